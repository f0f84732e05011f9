// An ocpolicy operator plugin in JavaScript, for operator OPJ (Fourth Coffee
// Telecom): toll-free numbers are not assigned to users through us.
import { log } from 'ocpolicy:rules/plugin-host@0.3.1';

function violation(code, path, message, remediation) {
  return { code, severity: 'error', path, message, citation: '[Fourth Coffee terms]', remediation };
}

export const eligibilityHooks = {
  checkEligibility(request) {
    if (request.tag === 'assign-number') {
      // The spellings the host accepts for one number: `+1…`, `1…`, `tel:+1…`.
      const n = request.val.telephoneNumber.trim().replace(/^tel:/i, '').trim().replace(/^\+/, '');
      if (/^1(800|833|844|855|866|877|888)/.test(n)) {
        log('info', `refusing toll-free ${n}`);
        return [violation('OPJ-TOLLFREE', 'request.telephone_number',
          `+${n} is toll-free; Fourth Coffee assigns toll-free numbers to resource accounts only`,
          'assign it to a resource account, or use a geographic number')];
      }
    }
    return [];
  },
  checkUpload(upload) { return []; },
};

export const emergencyHooks = {
  checkAddress(check) { return []; },
  checkResolution(context, resolution) { return []; },
};

export const conferencingHooks = {
  checkBridge(check) { return []; },
  checkRoute(dialOut, decision) { return []; },
};
