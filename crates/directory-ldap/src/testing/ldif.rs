//! The generated `cn=config` and seed LDIF of a test server.

use std::path::Path;

use super::{ADMIN_DN, BASE_DN, PEOPLE, SERVICE_DN};

/// The `cn=config` tree: TLS files, back_mdb and ppolicy, the schemas, one database with
/// the ACLs a deployment should have (the service account has `write`, not `manage`, on
/// `userPassword`, so the password policy applies to its resets).
pub(super) fn config(dir: &Path, root_hash: &str) -> String {
    let dir = dir.display();
    format!(
        "dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {dir}/run/slapd.pid
olcArgsFile: {dir}/run/slapd.args
olcLogLevel: none
olcTLSCACertificateFile: {dir}/tls/ca.crt
olcTLSCertificateFile: {dir}/tls/server.crt
olcTLSCertificateKeyFile: {dir}/tls/server.key

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {{0}}back_mdb
olcModuleLoad: {{1}}ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend
olcPasswordHash: {{SSHA}}
olcSizeLimit: 500

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {BASE_DN}
olcDbDirectory: {dir}/data
olcDbMaxSize: 104857600
olcRootDN: {ADMIN_DN}
olcRootPW: {root_hash}
olcDbIndex: objectClass eq
olcDbIndex: mail eq
olcDbIndex: entryUUID eq
olcAccess: {{0}}to attrs=userPassword
  by self write
  by dn.exact=\"{SERVICE_DN}\" write
  by anonymous auth
  by * none
olcAccess: {{1}}to dn.subtree=\"{PEOPLE}\"
  by dn.exact=\"{SERVICE_DN}\" read
  by self read
  by * none
olcAccess: {{2}}to *
  by dn.exact=\"{SERVICE_DN}\" read
  by * none

dn: olcOverlay={{0}}ppolicy,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {{0}}ppolicy
olcPPolicyDefault: cn=default,ou=policies,{BASE_DN}
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: FALSE
"
    )
}

/// The entries: the tree, the password policy (at least 12 characters, the last 3
/// passwords refused), the service account, and two people. Passwords are hashed already:
/// `slapadd` bypasses the overlays.
pub(super) fn seed(service_hash: &str, people: &[(&str, &str, &str)]) -> String {
    let mut seed = format!(
        "dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ou=services,{BASE_DN}
objectClass: organizationalUnit
ou: services

dn: ou=policies,{BASE_DN}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,{BASE_DN}
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMinLength: 12
pwdCheckQuality: 2
pwdInHistory: 3
pwdAllowUserChange: TRUE
pwdSafeModify: FALSE
pwdMustChange: FALSE
pwdLockout: FALSE

dn: {SERVICE_DN}
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: lifeline
description: Lifeline's service account: searches people, resets passwords
userPassword: {service_hash}
"
    );
    for (uid, mail, hash) in people {
        seed.push_str(&format!(
            "
dn: uid={uid},{PEOPLE}
objectClass: inetOrgPerson
uid: {uid}
cn: {uid}
sn: {uid}
mail: {mail}
userPassword: {hash}
"
        ));
    }
    seed
}
