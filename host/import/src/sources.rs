//! The exports `ocpolicy import teams` reads: which file is which, and the
//! fields of each that ocpolicy reads or knows (everything else in a record
//! is an unknown field, listed once in the report).
//!
//! Field names are the documented ones (the cmdlet reference pages of the
//! MicrosoftTeams module and the Graph `teamsAdministration` reference;
//! `tests/import/FIELDS.md` has the shapes and the pages). Names are matched
//! without regard to case, so Graph's camelCase is the same field.

/// One kind of export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Source {
    /// `Get-CsPhoneNumberAssignment`: the number inventory.
    PhoneNumberAssignment,
    /// `Export-CsAcquiredPhoneNumber`: the inventory as CSV.
    AcquiredPhoneNumberCsv,
    /// Graph `numberAssignments`.
    GraphNumberAssignments,
    /// `Get-CsOnlineUser`: users and resource accounts.
    OnlineUser,
    /// Graph `userConfigurations`.
    GraphUserConfigurations,
    /// `Get-CsOnlineLisCivicAddress`.
    CivicAddress,
    /// `Get-CsOnlineLisLocation`.
    LisLocation,
    /// `Get-CsOnlineLisWirelessAccessPoint`.
    LisWirelessAccessPoint,
    /// `Get-CsOnlineLisSwitch`.
    LisSwitch,
    /// `Get-CsOnlineLisPort`.
    LisPort,
    /// `Get-CsOnlineLisSubnet`.
    LisSubnet,
    /// `Get-CsTenantTrustedIPAddress`.
    TrustedIpAddress,
    /// `Get-CsTenantNetworkSite`.
    NetworkSite,
    /// `Get-CsTenantNetworkSubnet`.
    NetworkSubnet,
    /// `Get-CsTeamsEmergencyCallingPolicy`.
    EmergencyCallingPolicy,
    /// `Get-CsTeamsEmergencyCallRoutingPolicy`.
    EmergencyCallRoutingPolicy,
    /// `Get-CsOnlinePstnUsage` (the issue's `Get-CsOnlinePstnUsages` is read too).
    PstnUsages,
    /// `Get-CsOnlineVoiceRoute`.
    VoiceRoute,
    /// `Get-CsOnlineVoiceRoutingPolicy`.
    VoiceRoutingPolicy,
    /// `Get-CsOnlineAudioConferencingRoutingPolicy`.
    AudioConferencingRoutingPolicy,
    /// `Get-CsTenantDialPlan`.
    TenantDialPlan,
    /// `Get-CsOnlineDialOutPolicy`.
    DialOutPolicy,
    /// `Get-CsOnlineDialInConferencingBridge`.
    DialInConferencingBridge,
}

/// Every source, in the order they are read (accounts before the numbers
/// that refer to them, addresses before locations).
pub const ALL: [Source; 23] = [
    Source::OnlineUser,
    Source::GraphUserConfigurations,
    Source::CivicAddress,
    Source::LisLocation,
    Source::PhoneNumberAssignment,
    Source::AcquiredPhoneNumberCsv,
    Source::GraphNumberAssignments,
    Source::LisWirelessAccessPoint,
    Source::LisSwitch,
    Source::LisPort,
    Source::LisSubnet,
    Source::TrustedIpAddress,
    Source::NetworkSite,
    Source::NetworkSubnet,
    Source::EmergencyCallingPolicy,
    Source::EmergencyCallRoutingPolicy,
    Source::PstnUsages,
    Source::VoiceRoute,
    Source::VoiceRoutingPolicy,
    Source::AudioConferencingRoutingPolicy,
    Source::TenantDialPlan,
    Source::DialOutPolicy,
    Source::DialInConferencingBridge,
];

impl Source {
    /// The cmdlet (or Graph call) that writes it.
    pub fn cmdlet(self) -> &'static str {
        match self {
            Source::PhoneNumberAssignment => "Get-CsPhoneNumberAssignment",
            Source::AcquiredPhoneNumberCsv => "Export-CsAcquiredPhoneNumber",
            Source::GraphNumberAssignments => {
                "GET /admin/teams/telephoneNumberManagement/numberAssignments"
            }
            Source::OnlineUser => "Get-CsOnlineUser",
            Source::GraphUserConfigurations => "GET /admin/teams/userConfigurations",
            Source::CivicAddress => "Get-CsOnlineLisCivicAddress",
            Source::LisLocation => "Get-CsOnlineLisLocation",
            Source::LisWirelessAccessPoint => "Get-CsOnlineLisWirelessAccessPoint",
            Source::LisSwitch => "Get-CsOnlineLisSwitch",
            Source::LisPort => "Get-CsOnlineLisPort",
            Source::LisSubnet => "Get-CsOnlineLisSubnet",
            Source::TrustedIpAddress => "Get-CsTenantTrustedIPAddress",
            Source::NetworkSite => "Get-CsTenantNetworkSite",
            Source::NetworkSubnet => "Get-CsTenantNetworkSubnet",
            Source::EmergencyCallingPolicy => "Get-CsTeamsEmergencyCallingPolicy",
            Source::EmergencyCallRoutingPolicy => "Get-CsTeamsEmergencyCallRoutingPolicy",
            Source::PstnUsages => "Get-CsOnlinePstnUsage",
            Source::VoiceRoute => "Get-CsOnlineVoiceRoute",
            Source::VoiceRoutingPolicy => "Get-CsOnlineVoiceRoutingPolicy",
            Source::AudioConferencingRoutingPolicy => "Get-CsOnlineAudioConferencingRoutingPolicy",
            Source::TenantDialPlan => "Get-CsTenantDialPlan",
            Source::DialOutPolicy => "Get-CsOnlineDialOutPolicy",
            Source::DialInConferencingBridge => "Get-CsOnlineDialInConferencingBridge",
        }
    }

    /// The file-name stems it is found under (lower case): the cmdlet's
    /// name, optionally followed by `.`/`-`/`_` and more (pages such as
    /// `Get-CsPhoneNumberAssignment.2.json`).
    fn stems(self) -> &'static [&'static str] {
        match self {
            Source::PhoneNumberAssignment => &["get-csphonenumberassignment"],
            Source::AcquiredPhoneNumberCsv => &[
                "export-csacquiredphonenumber",
                "acquiredphonenumbers",
                "acquiredphonenumber",
            ],
            Source::GraphNumberAssignments => &["graph-numberassignments", "numberassignments"],
            Source::OnlineUser => &["get-csonlineuser"],
            Source::GraphUserConfigurations => &["graph-userconfigurations", "userconfigurations"],
            Source::PstnUsages => &["get-csonlinepstnusages", "get-csonlinepstnusage"],
            other => match other.cmdlet() {
                "Get-CsOnlineLisCivicAddress" => &["get-csonlineliscivicaddress"],
                "Get-CsOnlineLisLocation" => &["get-csonlinelislocation"],
                "Get-CsOnlineLisWirelessAccessPoint" => &["get-csonlineliswirelessaccesspoint"],
                "Get-CsOnlineLisSwitch" => &["get-csonlinelisswitch"],
                "Get-CsOnlineLisPort" => &["get-csonlinelisport"],
                "Get-CsOnlineLisSubnet" => &["get-csonlinelissubnet"],
                "Get-CsTenantTrustedIPAddress" => &["get-cstenanttrustedipaddress"],
                "Get-CsTenantNetworkSite" => &["get-cstenantnetworksite"],
                "Get-CsTenantNetworkSubnet" => &["get-cstenantnetworksubnet"],
                "Get-CsTeamsEmergencyCallingPolicy" => &["get-csteamsemergencycallingpolicy"],
                "Get-CsTeamsEmergencyCallRoutingPolicy" => {
                    &["get-csteamsemergencycallroutingpolicy"]
                }
                "Get-CsOnlineVoiceRoute" => &["get-csonlinevoiceroute"],
                "Get-CsOnlineVoiceRoutingPolicy" => &["get-csonlinevoiceroutingpolicy"],
                "Get-CsOnlineAudioConferencingRoutingPolicy" => {
                    &["get-csonlineaudioconferencingroutingpolicy"]
                }
                "Get-CsTenantDialPlan" => &["get-cstenantdialplan"],
                "Get-CsOnlineDialOutPolicy" => &["get-csonlinedialoutpolicy"],
                "Get-CsOnlineDialInConferencingBridge" => &["get-csonlinedialinconferencingbridge"],
                _ => &[],
            },
        }
    }

    /// Is it a CSV file?
    pub fn csv(self) -> bool {
        self == Source::AcquiredPhoneNumberCsv
    }

    /// The source a file name holds, if any.
    pub fn of_file(name: &str) -> Option<Source> {
        let lower = name.to_ascii_lowercase();
        let (stem, ext) = lower.rsplit_once('.')?;
        ALL.into_iter().find(|s| {
            let ext_ok = if s.csv() { ext == "csv" } else { ext == "json" };
            ext_ok
                && s.stems().iter().any(|p| {
                    stem.strip_prefix(p)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_']))
                })
        })
    }

    /// The fields ocpolicy reads from each record (any of a field's names).
    pub fn reads(self) -> &'static [&'static str] {
        match self {
            Source::PhoneNumberAssignment => &[
                "TelephoneNumber",
                "NumberType",
                "ActivationState",
                "Capability",
                "PstnAssignmentStatus",
                "AssignedPstnTargetId",
                "AssignmentCategory",
                "IsoCountryCode",
                "LocationId",
                "LocationUpdateSupported",
                "OperatorId",
                "PstnPartnerName",
                "NumberSource",
                "AssignmentBlockedState",
                "AssignmentBlockedUntil",
            ],
            Source::AcquiredPhoneNumberCsv => &[
                "TelephoneNumber",
                "NumberType",
                "ActivationState",
                "AcquiredCapabilities",
                "AssignmentStatus",
                "TargetId",
                "AssignmentCategory",
                "IsoCountryCode",
                "LocationId",
                "OperatorId",
                "PartnerName",
                "NumberSource",
            ],
            Source::GraphNumberAssignments => &[
                "telephoneNumber",
                "numberType",
                "activationState",
                "capabilities",
                "assignmentStatus",
                "assignmentTargetId",
                "assignmentCategory",
                "isoCountryCode",
                "locationId",
                "operatorId",
                "numberSource",
            ],
            Source::OnlineUser => &[
                "Identity",
                "UserPrincipalName",
                "AccountType",
                "UsageLocation",
                "AssignedPlan",
                "FeatureTypes",
                "TeamsUpgradeEffectiveMode",
                "EnterpriseVoiceEnabled",
                "OnPremLineURI",
                "OnlineVoiceRoutingPolicy",
                "TeamsEmergencyCallingPolicy",
                "TeamsEmergencyCallRoutingPolicy",
                "OnlineAudioConferencingRoutingPolicy",
                "OnlineDialOutPolicy",
                "TenantDialPlan",
                "TenantId",
                "ObjectId",
                "SipAddress",
                "InterpretedUserType",
                "SoftDeletionTimestamp",
                "EffectivePolicyAssignments",
            ],
            Source::GraphUserConfigurations => &[
                "id",
                "userPrincipalName",
                "accountType",
                "featureTypes",
                "isEnterpriseVoiceEnabled",
                "effectivePolicyAssignments",
                "tenantId",
            ],
            Source::CivicAddress => &[
                "CivicAddressId",
                "CompanyName",
                "CompanyTaxId",
                "CountryOrRegion",
                "StateOrProvince",
                "City",
                "CityAlias",
                "PostalCode",
                "HouseNumber",
                "HouseNumberSuffix",
                "PreDirectional",
                "StreetName",
                "StreetSuffix",
                "PostDirectional",
                "Latitude",
                "Longitude",
                "Elin",
                "Description",
                "ValidationStatus",
                "DefaultLocationId",
            ],
            Source::LisLocation => &["LocationId", "CivicAddressId", "Location", "Elin"],
            Source::LisWirelessAccessPoint => &["BSSID", "LocationId", "Description"],
            Source::LisSwitch => &["ChassisID", "LocationId", "Description"],
            Source::LisPort => &["ChassisID", "PortID", "LocationId", "Description"],
            Source::LisSubnet => &["Subnet", "LocationId", "Description"],
            Source::TrustedIpAddress => &["IPAddress", "MaskBits", "Description"],
            Source::NetworkSite => &[
                "NetworkSiteID",
                "EmergencyCallingPolicyName",
                "EmergencyCallRoutingPolicyName",
                "EmergencyCallingPolicyTagID",
                "EmergencyCallRoutingPolicyTagID",
            ],
            Source::NetworkSubnet => &["SubnetID", "MaskBits", "NetworkSiteID"],
            Source::EmergencyCallingPolicy => &[
                "Identity",
                "NotificationMode",
                "NotificationGroup",
                "NotificationDialOutNumber",
                "ExternalLocationLookupMode",
                "EnhancedEmergencyServiceDisclaimer",
                "Description",
                "ExtendedNotifications",
            ],
            Source::EmergencyCallRoutingPolicy => &[
                "Identity",
                "AllowEnhancedEmergencyServices",
                "EmergencyNumbers",
            ],
            Source::PstnUsages => &["Usage"],
            Source::VoiceRoute => &[
                "Identity",
                "NumberPattern",
                "Priority",
                "OnlinePstnUsages",
                "OnlinePstnGatewayList",
                "BridgeSourcePhoneNumber",
            ],
            Source::VoiceRoutingPolicy | Source::AudioConferencingRoutingPolicy => {
                &["Identity", "OnlinePstnUsages"]
            }
            Source::TenantDialPlan => &[
                "Identity",
                "SimpleName",
                "Description",
                "NormalizationRules",
            ],
            Source::DialOutPolicy => &["Identity"],
            Source::DialInConferencingBridge => &[
                "Identity",
                "DefaultServiceNumber",
                "ServiceNumbers",
                "IsDefault",
            ],
        }
    }

    /// Documented fields ocpolicy knows and does not need.
    pub fn documented(self) -> &'static [&'static str] {
        match self {
            Source::PhoneNumberAssignment | Source::AcquiredPhoneNumberCsv => &[
                "City",
                "CivicAddressId",
                "IsoSubdivision",
                "NetworkSiteId",
                "PortInOrderStatus",
                "PstnPartnerId",
                "ReverseNumberLookup",
                "Tag",
                "SupportedCustomerActions",
                "AcquisitionDate",
                "AcquiredCapabilities",
                "AvailableCapabilities",
                "PhoneNumberType",
                "IsoSubdivisionCode",
                "IsOperatorConnect",
                "SmsActivationState",
                "CallingProfileId",
                "CapabilityUpdateSupported",
                "PlaceName",
                "RoutingOptions",
                "TargetType",
                "SmsProfileId",
                "ResourceAccountSharedCallingPolicySupported",
                "Tags",
            ],
            Source::GraphNumberAssignments => &[
                "id",
                "city",
                "civicAddressId",
                "networkSiteId",
                "portInStatus",
                "reverseNumberLookupOptions",
                "supportedCustomerActions",
                "isoSubdivision",
                "tags",
                "@odata.type",
                "@odata.etag",
            ],
            Source::OnlineUser => &[
                "Alias",
                "DisplayName",
                "GivenName",
                "Surname",
                "LineUri",
                "Department",
                "Title",
                "Country",
                "City",
                "State",
                "StreetAddress",
                "PostalCode",
                "WindowsEmailAddress",
                "Enabled",
                "HostingProvider",
                "IsSipEnabled",
                "TeamsUpgradePolicy",
                "TeamsUpgradeEffectiveMode",
                "AssignedPlan",
                "ProvisionedPlan",
                "UserValidationErrors",
                "WhenCreated",
                "WhenChanged",
                "ExternalAccessPolicy",
                "TeamsMeetingPolicy",
                "TeamsCallingPolicy",
                "TeamsMessagingPolicy",
                "CallingLineIdentity",
                "VoiceRoutingPolicy",
                "HostedVoiceMail",
                "Phone",
                "Company",
                "LastName",
                "FirstName",
                "LastSyncTimeStamp",
                "LastSuccessfulSyncTimeStamp",
                "PreferredDataLocation",
                "UserDirSyncEnabled",
                "AccountEnabled",
                "ApplicationId",
                "CountryAbbreviation",
                "StateOrProvince",
                "Street",
                "RegistrarPool",
                "OnPremHostingProvider",
                "DialPlan",
                "OptionFlags",
                "DirSyncEnabled",
                "MCOValidationErrors",
                "AdministrativeUnitReference",
                "OnPremEnterpriseVoiceEnabled",
                "OnPremOptionFlags",
                "OnPremSIPEnabled",
                "OnPremSipAddress",
                "OwnerUrn",
                "PreferredLanguage",
                "HideFromAddressLists",
                "TelephoneNumbers",
                "OnPremLineUri",
            ],
            Source::GraphUserConfigurations => &[
                "userId",
                "telephoneNumbers",
                "createdDateTime",
                "modifiedDateTime",
                "@odata.type",
            ],
            Source::CivicAddress => &[
                "NumberOfVoiceUsers",
                "NumberOfTelephoneNumbers",
                "PartnerId",
                "ResultStatus",
                "AdditionalLocationInfo",
                "Confidence",
                "CountryCode",
                "TenantId",
                "IsAzureMapValidationRequired",
                "HouseNumberSuffixSpecified",
                "Identity",
            ],
            Source::LisLocation => &[
                "City",
                "CityAlias",
                "CompanyName",
                "CompanyTaxId",
                "CountryOrRegion",
                "Description",
                "HouseNumber",
                "HouseNumberSuffix",
                "IsDefault",
                "Latitude",
                "Longitude",
                "NumberOfTelephoneNumbers",
                "NumberOfVoiceUsers",
                "PartnerId",
                "PostalCode",
                "PostDirectional",
                "PreDirectional",
                "StateOrProvince",
                "StreetName",
                "StreetSuffix",
                "TenantId",
                "ValidationStatus",
                "ResultStatus",
                "AdditionalLocationInfo",
                "Confidence",
                "IsAzureMapValidationRequired",
            ],
            Source::LisWirelessAccessPoint
            | Source::LisSwitch
            | Source::LisPort
            | Source::LisSubnet => &["Type", "IsDuplicate", "Identity"],
            Source::TrustedIpAddress => &["Identity"],
            Source::NetworkSite => &[
                "Identity",
                "Description",
                "NetworkRegionID",
                "LocationPolicy",
                "EnableLocationBasedRouting",
                "NetworkRoamingPolicy",
                "SiteAddress",
                "LocationPolicyID",
                "OnlineVoiceRoutingPolicyTagID",
                "NetworkRoamingPolicyTagID",
                "NetworkRoamingPolicyName",
                "PhoneNumbers",
            ],
            Source::NetworkSubnet => &["Identity", "Description"],
            Source::EmergencyCallingPolicy => {
                &["Key", "Anchor", "XsAnyElements", "XsAnyAttributes"]
            }
            Source::EmergencyCallRoutingPolicy => &[
                "Description",
                "Key",
                "Anchor",
                "XsAnyElements",
                "XsAnyAttributes",
            ],
            Source::PstnUsages => &["Identity", "Key", "Anchor"],
            Source::VoiceRoute => &["Name", "Description", "Key", "Anchor"],
            Source::VoiceRoutingPolicy | Source::AudioConferencingRoutingPolicy => {
                &["Description", "RouteType", "Key", "Anchor"]
            }
            Source::TenantDialPlan => &[
                "OptimizeDeviceDialing",
                "ExternalAccessPrefix",
                "Key",
                "Anchor",
            ],
            Source::DialOutPolicy => &[
                "AllowPSTNConferencingDialOutType",
                "AllowPSTNOutboundCallingType",
                "Description",
                "Key",
                "Anchor",
            ],
            Source::DialInConferencingBridge => &["Name", "Region"],
        }
    }

    /// Is `field` a field of this source ocpolicy reads or knows?
    pub fn knows(self, field: &str) -> bool {
        let listed = self
            .reads()
            .iter()
            .chain(self.documented())
            .chain(aliases(self))
            .any(|f| f.eq_ignore_ascii_case(field));
        // Get-CsOnlineUser shows every policy granted to the account (the
        // Teams*Policy list grows with each release); the ConfigAPI policy
        // objects carry their configuration's metadata.
        let lower = field.to_ascii_lowercase();
        let policy_field = self == Source::OnlineUser && lower.ends_with("policy");
        let config_meta = self.is_configuration()
            && [
                "key",
                "anchor",
                "configmetadata",
                "configid",
                "xsanyelements",
                "xsanyattributes",
            ]
            .contains(&lower.as_str());
        listed || policy_field || config_meta
    }

    /// Is it a policy or configuration cmdlet (its objects carry `Key`,
    /// `ConfigMetadata`, `ConfigId`)?
    fn is_configuration(self) -> bool {
        matches!(
            self,
            Source::EmergencyCallingPolicy
                | Source::EmergencyCallRoutingPolicy
                | Source::PstnUsages
                | Source::VoiceRoute
                | Source::VoiceRoutingPolicy
                | Source::AudioConferencingRoutingPolicy
                | Source::TenantDialPlan
                | Source::DialOutPolicy
        )
    }
}

/// Other spellings a field goes by (older module versions, the CSV).
fn aliases(s: Source) -> &'static [&'static str] {
    match s {
        Source::PhoneNumberAssignment | Source::AcquiredPhoneNumberCsv => &[
            "PhoneNumber",
            "AssignmentStatus",
            "Capabilities",
            "AssignedTo",
            "TargetId",
            "PartnerName",
            "Type",
            "ActivationStatus",
        ],
        Source::OnlineUser => &["OnPremLineUri"],
        Source::NetworkSite => &["EmergencyCallingPolicy", "EmergencyCallRoutingPolicy"],
        Source::LisLocation => &["Place"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_the_cmdlet_that_wrote_them() {
        assert_eq!(
            Source::of_file("Get-CsPhoneNumberAssignment.json"),
            Some(Source::PhoneNumberAssignment)
        );
        assert_eq!(
            Source::of_file("get-csphonenumberassignment.3.json"),
            Some(Source::PhoneNumberAssignment)
        );
        assert_eq!(
            Source::of_file("Get-CsOnlineLisLocation.json"),
            Some(Source::LisLocation)
        );
        assert_eq!(
            Source::of_file("Export-CsAcquiredPhoneNumber.csv"),
            Some(Source::AcquiredPhoneNumberCsv)
        );
        assert_eq!(
            Source::of_file("Get-CsOnlinePstnUsage.json"),
            Some(Source::PstnUsages)
        );
        assert_eq!(Source::of_file("Get-CsOnlineUserX.json"), None);
        assert_eq!(Source::of_file("notes.txt"), None);
        assert_eq!(Source::of_file("Get-CsOnlineUser.csv"), None);
    }
}
