<#
.SYNOPSIS
    Exports a Microsoft Teams voice tenant to a folder of JSON files for `ocpolicy import teams DIR`.
.DESCRIPTION
    NOT RUN BY THE TESTS: PowerShell and the MicrosoftTeams module cannot be installed on the
    test machines. The fixtures in tests/import/teams-docs/ show what this script is expected to
    produce (see tests/import/FIELDS.md).
    Assumes `Connect-MicrosoftTeams` has already been run in this session.
    Writes one <Cmdlet>.json per cmdlet (always a JSON array, UTF-8 without BOM), made with
    ConvertTo-Json -Depth 10. On PowerShell 7+ enums are written as names (-EnumsAsStrings);
    on Windows PowerShell 5.1 they come out as numbers and dates as "\/Date(ms)\/".
.EXAMPLE
    Connect-MicrosoftTeams; ./export-teams-tenant.ps1 -OutDir ./tenant-export
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $OutDir
)
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$utf8NoBom = New-Object System.Text.UTF8Encoding $false
$jsonArgs = @{ Depth = 10 }
if ($PSVersionTable.PSVersion.Major -ge 7) { $jsonArgs.EnumsAsStrings = $true }

function Save-Json([string] $Name, $Items) {
    $list = @($Items | Where-Object { $null -ne $_ })   # no output -> [] rather than [null]
    $json = ConvertTo-Json -InputObject $list @jsonArgs
    [System.IO.File]::WriteAllText((Join-Path $OutDir "$Name.json"), $json, $utf8NoBom)
    Write-Host ("{0,-45} {1,6} item(s)" -f $Name, $list.Count)
}

# Phone numbers: at most 1000 per call, paged with -Skip until a short page.
$numbers = @(); $skip = 0
do {
    $page = @(Get-CsPhoneNumberAssignment -Top 1000 -Skip $skip)
    $numbers += $page; $skip += 1000
} while ($page.Count -eq 1000)
Save-Json 'Get-CsPhoneNumberAssignment' $numbers

Save-Json 'Get-CsOnlineUser' (Get-CsOnlineUser -ResultSize Unlimited)

# LIS addresses and locations: paged with -ResultSize / -NumberOfResultsToSkip.
foreach ($cmd in 'Get-CsOnlineLisCivicAddress', 'Get-CsOnlineLisLocation') {
    $all = @(); $skip = 0
    do {
        $page = @(& $cmd -ResultSize 1000 -NumberOfResultsToSkip $skip -PopulateNumberOfVoiceUsers -PopulateNumberOfTelephoneNumbers)
        $all += $page; $skip += 1000
    } while ($page.Count -eq 1000)
    Save-Json $cmd $all
}

foreach ($cmd in 'Get-CsOnlineLisWirelessAccessPoint', 'Get-CsOnlineLisSwitch', 'Get-CsOnlineLisPort',
                 'Get-CsOnlineLisSubnet', 'Get-CsTenantTrustedIPAddress', 'Get-CsTenantNetworkSite',
                 'Get-CsTenantNetworkSubnet', 'Get-CsTeamsEmergencyCallingPolicy',
                 'Get-CsTeamsEmergencyCallRoutingPolicy', 'Get-CsOnlinePstnUsage', 'Get-CsOnlineVoiceRoute',
                 'Get-CsOnlineVoiceRoutingPolicy', 'Get-CsOnlineAudioConferencingRoutingPolicy',
                 'Get-CsTenantDialPlan', 'Get-CsOnlineDialOutPolicy', 'Get-CsOnlineDialInConferencingBridge') {
    Save-Json $cmd (& $cmd)
}

# Full number inventory as a file: Export-CsAcquiredPhoneNumber returns an OrderId; poll until done.
$orderId = Export-CsAcquiredPhoneNumber
for ($i = 0; $i -lt 60; $i++) {
    $status = Get-CsExportAcquiredPhoneNumberStatus -OrderId $orderId
    if ($status.Status -eq 'Success') { break }
    Start-Sleep -Seconds 10
}
Save-Json 'Get-CsExportAcquiredPhoneNumberStatus' $status
if ($status.Status -eq 'Success') {
    Invoke-WebRequest -Uri $status.DownloadLink -OutFile (Join-Path $OutDir 'Export-CsAcquiredPhoneNumber.csv') -UseBasicParsing
} else {
    Write-Warning "Export-CsAcquiredPhoneNumber order $orderId did not finish; CSV not downloaded."
}
