//! The directory plugins this `lifeline` binary was built with.

use lifeline::DirectoryPlugin;

/// One entry per cargo feature that builds a plugin in.
static PLUGINS: &[&dyn DirectoryPlugin] = &[
    #[cfg(feature = "ldap")]
    &directory_ldap::PLUGIN,
];

/// Every directory plugin built into this binary, one per cargo feature: `ldap` adds
/// `directory_ldap`'s (`directory.kind = "ldap"`). Every command that loads settings passes
/// this list, so `directory.kind` may name any of them; a kind none provides is refused with
/// the feature to build it with.
pub fn directory_plugins() -> &'static [&'static dyn DirectoryPlugin] {
    PLUGINS
}
