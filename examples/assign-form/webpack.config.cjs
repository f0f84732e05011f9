// The same form bundled by webpack 5 instead of Vite (`npm run build:webpack`,
// into dist-webpack/): webpack follows the package's
// `new URL('./wasm/…', import.meta.url)` and `new Worker(new URL(…))` itself,
// so the .wasm files and the worker are emitted beside the bundle with no
// copying and no loader for them. The page is Vite's index.html, pointed at
// the bundle and the stylesheet (emitted beside it) instead of the sources.
const fs = require('node:fs');
const path = require('node:path');

class ThePage {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('ThePage', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'ThePage', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const page = fs
          .readFileSync(path.join(__dirname, 'index.html'), 'utf8')
          .replace('<script type="module" src="/src/main.ts"></script>', '<script defer src="main.js"></script>')
          .replace('href="/src/style.css"', 'href="style.css"');
        if (page.includes('/src/')) throw new Error('index.html names a source webpack does not build');
        compilation.emitAsset('index.html', new RawSource(page));
        compilation.emitAsset('style.css', new RawSource(fs.readFileSync(path.join(__dirname, 'src', 'style.css'))));
      });
    });
  }
}

module.exports = {
  mode: 'production',
  entry: './src/main.ts',
  output: {
    path: path.resolve(__dirname, 'dist-webpack'),
    filename: 'main.js',
    clean: true,
  },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { transpileOnly: true }, exclude: /node_modules/ }],
  },
  plugins: [new ThePage()],
  performance: { hints: false },
};
