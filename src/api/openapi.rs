//! The OpenAPI 3.1 document, generated from the handlers' annotations and types.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        c.add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "contactpro API", description = "A self-hosted shared contact book for Microsoft Teams. Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`."),
    modifiers(&Security),
    paths(
        super::system::info,
        super::session::demo_token, super::session::personas, super::session::login, super::session::me, super::session::users,
        super::lists::list_lists, super::lists::create_list, super::lists::get_list, super::lists::patch_list,
        super::lists::delete_list, super::lists::about,
        super::contacts::list_contacts, super::contacts::create_contact, super::contacts::get_contact,
        super::contacts::replace_contact, super::contacts::patch_contact, super::contacts::delete_contact,
        super::groups::list_groups, super::groups::create_group, super::groups::get_group, super::groups::patch_group,
        super::groups::delete_group,
        super::duplicates::list_duplicates, super::duplicates::merge,
        super::keys::list_keys, super::keys::create_key, super::keys::revoke_key,
        super::io::template, super::io::start_import, super::io::get_job, super::io::export,
        super::changes::changes, super::changes::events,
        super::trash::trash, super::trash::restore_contact, super::trash::purge_contact, super::trash::list_trash,
        super::trash::restore_list, super::trash::restore_group, super::trash::history, super::trash::revert,
        super::trash::undo_job,
    ),
    components(schemas(crate::model::AddressInput, crate::model::Address, crate::model::Channel,
        crate::model::Permissions, crate::model::MemberPermission, crate::model::PermissionMode, crate::model::DisplayMode))
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
