//! `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description, generated from the
//! handlers' annotations and request/response types, so it cannot drift from the code
//! unnoticed (`tests/api/openapi.rs` also checks it against the running service).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::Required;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, HttpBuilder, SecurityScheme,
};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::admin::key::SECURITY_SCHEME;
use super::error::{ErrorBody, ErrorCode};
use super::{admin, magic_link, password, session};
use crate::http::urls::{API_PREFIX, Url};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lifeline API",
        description = "Password reset and magic-link sign-in for single-page apps and services. \
            Every request body is a JSON object (`Content-Type: application/json`) of the \
            documented shape: an array or any other value in its place, an unknown field, a \
            missing or mistyped one is a 400 `invalid_body`. Errors are `{\"error\": \"<stable_code>\", \"message\": \"…\"}`, also for a \
            path no endpoint serves (404 `not_found`) and a method an endpoint does not answer \
            (405 `method_not_allowed`, with `Allow`): branch on the code, which is the same in \
            every language; the message is for people, in the language of `Accept-Language` \
            (or of the pages' language switch), named by `Content-Language`. Answers never \
            reveal whether an account exists. `/session` is signed in by the session cookie \
            (`session_cookie`) or a session token from `POST /session` (`session_token`).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        password::forgot,
        password::reset,
        magic_link::request,
        magic_link::verify,
        session::get,
        session::create,
        session::delete,
        get,
        admin::key::get,
        admin::accounts::create,
        admin::accounts::find,
        admin::accounts::get,
        admin::accounts::delete,
        admin::accounts::disable,
        admin::accounts::enable,
        admin::accounts::set_password,
        admin::accounts::lift_pause,
        admin::recovery_link::create,
        admin::sessions::list,
        admin::sessions::revoke_all,
        admin::sessions::revoke,
        admin::audit::list,
    ),
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&SecuritySchemes, &CommonErrors, &RequiredParameters),
    tags(
        (name = "password", description = "Password reset by mailed link."),
        (name = "magic-link", description = "Sign-in by mailed link."),
        (name = "session", description = "Who is signed in; sign-in and sign-out for API clients."),
        (name = "meta", description = "This description."),
        (name = "admin", description = "The admin API, for a help desk and for provisioning: \
            every request carries an API key (`Authorization: Bearer llk_…`, made by \
            `lifeline api-keys create`) with the scope the operation names; every action \
            writes an audit event naming the key. Accounts are named by id."),
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
    })
}

/// This document.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = Url::OpenApi.path(),
    operation_id = "getOpenApi",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 description of `/api/v1`.", body = Object, content_type = "application/json"))
)]
pub async fn get() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}

/// The codes each error answer of each operation carries, beyond the shared ones that
/// [`CommonErrors`] adds: `(operation id, status, codes)`. A unit test checks that every error
/// answer in the document is listed, so none is documented with "any code".
const OPERATION_ERRORS: &[(&str, &str, &[ErrorCode])] = &[
    ("getAdminKey", "400", &[ErrorCode::InvalidRequest]),
    ("getAdminKey", "403", &[ErrorCode::InsufficientScope]),
    (
        "requestPasswordReset",
        "400",
        &[ErrorCode::InvalidBody, ErrorCode::InvalidEmail],
    ),
    (
        "resetPassword",
        "400",
        &[ErrorCode::InvalidBody, ErrorCode::InvalidOrExpiredLink],
    ),
    ("resetPassword", "422", &[ErrorCode::WeakPassword]),
    ("getSession", "401", &[ErrorCode::Unauthenticated]),
    ("createSession", "400", &[ErrorCode::InvalidBody]),
    ("createSession", "401", &[ErrorCode::InvalidCredentials]),
    ("deleteSession", "401", &[ErrorCode::Unauthenticated]),
    (
        "createAccount",
        "400",
        &[ErrorCode::InvalidBody, ErrorCode::InvalidEmail],
    ),
    (
        "createAccount",
        "409",
        &[ErrorCode::AccountExists, ErrorCode::UnsupportedByDirectory],
    ),
    ("createAccount", "422", &[ErrorCode::WeakPassword]),
    (
        "findAccount",
        "400",
        &[ErrorCode::InvalidRequest, ErrorCode::InvalidEmail],
    ),
    ("findAccount", "404", &[ErrorCode::AccountNotFound]),
    ("getAccount", "404", &[ErrorCode::AccountNotFound]),
    ("deleteAccount", "404", &[ErrorCode::AccountNotFound]),
    ("deleteAccount", "409", &[ErrorCode::UnsupportedByDirectory]),
    ("disableAccount", "404", &[ErrorCode::AccountNotFound]),
    (
        "disableAccount",
        "409",
        &[ErrorCode::UnsupportedByDirectory],
    ),
    ("enableAccount", "404", &[ErrorCode::AccountNotFound]),
    ("enableAccount", "409", &[ErrorCode::UnsupportedByDirectory]),
    ("setAccountPassword", "400", &[ErrorCode::InvalidBody]),
    ("setAccountPassword", "404", &[ErrorCode::AccountNotFound]),
    ("setAccountPassword", "422", &[ErrorCode::WeakPassword]),
    ("liftAccountPause", "404", &[ErrorCode::AccountNotFound]),
    (
        "liftAccountPause",
        "409",
        &[ErrorCode::UnsupportedByDirectory],
    ),
    ("createRecoveryLink", "400", &[ErrorCode::InvalidBody]),
    ("createRecoveryLink", "404", &[ErrorCode::AccountNotFound]),
    (
        "createRecoveryLink",
        "409",
        &[ErrorCode::AccountDisabled, ErrorCode::LinksPaused],
    ),
    ("listAccountSessions", "404", &[ErrorCode::AccountNotFound]),
    (
        "revokeAccountSession",
        "404",
        &[ErrorCode::AccountNotFound, ErrorCode::SessionNotFound],
    ),
    (
        "revokeAccountSessions",
        "404",
        &[ErrorCode::AccountNotFound],
    ),
    ("listAccountAudit", "400", &[ErrorCode::InvalidRequest]),
    ("listAccountAudit", "404", &[ErrorCode::AccountNotFound]),
    (
        "requestMagicLink",
        "400",
        &[ErrorCode::InvalidBody, ErrorCode::InvalidEmail],
    ),
    (
        "verifyMagicLink",
        "400",
        &[
            ErrorCode::InvalidBody,
            ErrorCode::InvalidOrExpiredLink,
            ErrorCode::OtherBrowser,
        ],
    ),
];

/// An answer every operation with a JSON body may give: status, code, description, and
/// whether it carries `Retry-After`.
struct SharedError {
    status: &'static str,
    code: ErrorCode,
    description: &'static str,
    retry_after: bool,
    /// Only operations that take a body (POST) can give it; the others (which read a
    /// session) give only the answers without this flag.
    body_only: bool,
}

const SHARED_ERRORS: [SharedError; 5] = [
    SharedError {
        status: "413",
        code: ErrorCode::BodyTooLarge,
        description: "`body_too_large`: the body is over `server.max_body_bytes`.",
        retry_after: false,
        body_only: true,
    },
    SharedError {
        status: "415",
        code: ErrorCode::UnsupportedMediaType,
        description: "`unsupported_media_type`: the body is not `application/json`.",
        retry_after: false,
        body_only: true,
    },
    SharedError {
        status: "429",
        code: ErrorCode::TooManyRequests,
        description: "`too_many_requests`: this client is over its POST rate, the service over \
            its global rate for link requests, or (on `/password/reset`) the link over its \
            attempts; wait `Retry-After` seconds.",
        retry_after: true,
        body_only: true,
    },
    SharedError {
        status: "500",
        code: ErrorCode::InternalError,
        description: "`internal_error`: a fault on the server; nothing was changed.",
        retry_after: false,
        body_only: false,
    },
    SharedError {
        status: "503",
        code: ErrorCode::Unavailable,
        description: "`unavailable`: the database is briefly unreachable; retry after \
            `Retry-After` seconds.",
        retry_after: true,
        body_only: false,
    },
];

/// The answers every admin endpoint may give besides its own: 401 with `WWW-Authenticate`
/// and 429 with `Retry-After` (the API key check, before the handler runs), 403 (a key
/// without the operation's scope).
const ADMIN_ERRORS: [SharedError; 3] = [
    SharedError {
        status: "401",
        code: ErrorCode::Unauthenticated,
        description: "`unauthenticated`: no API key, or one that is malformed, unknown, wrong \
            or revoked (all alike). `WWW-Authenticate: Bearer`.",
        retry_after: false,
        body_only: false,
    },
    SharedError {
        status: "403",
        code: ErrorCode::InsufficientScope,
        description: "`insufficient_scope`: the key lacks the scope this operation needs.",
        retry_after: false,
        body_only: false,
    },
    SharedError {
        status: "429",
        code: ErrorCode::TooManyRequests,
        description: "`too_many_requests`: this key is over `admin_api.per_key_per_minute`, or \
            this client over its failed key checks (`admin_api.failed_per_ip_per_minute`) or, \
            for a `POST`, over its POST rate; wait `Retry-After` seconds.",
        retry_after: true,
        body_only: false,
    },
];

/// Where the admin endpoints live, below the API prefix.
const ADMIN_PATHS: &str = "/api/v1/admin/";

/// Adds the failures every endpoint with a JSON body shares (413, 415, 429, 500, 503), those
/// every signed-in operation shares (500, 503: it reads the session from the database), and
/// those of every admin operation (401, 403, 429, 500, 503; 413 and 415 with a body), so
/// each handler documents only its own answers, and narrows every error answer's body to
/// the codes it carries ([`OPERATION_ERRORS`]).
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut Document) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let admin = path.starts_with(ADMIN_PATHS);
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.delete.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                let body = operation.request_body.is_some();
                let signed_in = operation.security.is_some();
                for shared in &SHARED_ERRORS {
                    if body || (signed_in && !shared.body_only) {
                        add_error(operation, shared);
                    }
                }
                if admin {
                    for shared in &ADMIN_ERRORS {
                        add_error(operation, shared);
                    }
                }
                narrow(operation);
            }
        }
    }
}

/// Query parameters a handler cannot do without, by operation id: utoipa marks a parameter
/// whose schema is given by `schema_with` optional, whatever its type.
const REQUIRED_PARAMETERS: &[(&str, &str)] = &[("findAccount", "email")];

/// Marks the [`REQUIRED_PARAMETERS`] required.
struct RequiredParameters;

impl Modify for RequiredParameters {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [item.get.as_mut(), item.delete.as_mut()];
            for operation in operations.into_iter().flatten() {
                let id = operation.operation_id.clone().unwrap_or_default();
                for parameter in operation.parameters.iter_mut().flatten() {
                    let RefOr::T(parameter) = parameter else {
                        continue;
                    };
                    if REQUIRED_PARAMETERS.contains(&(id.as_str(), parameter.name.as_str())) {
                        parameter.required = Required::True;
                    }
                }
            }
        }
    }
}

/// Narrows the operation's own error answers to the codes [`OPERATION_ERRORS`] lists.
fn narrow(operation: &mut Operation) {
    let id = operation.operation_id.clone().unwrap_or_default();
    for (op, status, codes) in OPERATION_ERRORS {
        if *op == id
            && let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status)
        {
            response.content.insert(
                "application/json".to_owned(),
                Content::new(Some(error_body_with(codes))).into(),
            );
        }
    }
}

/// The ways to authenticate: `session_cookie` (the browser's `lifeline_session` cookie),
/// `session_token` (`Authorization: Bearer lls1_…` from `POST /session`) and the admin API's
/// key ([`SECURITY_SCHEME`]).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "lifeline_session",
                "The session cookie a browser gets when it signs in on Lifeline's pages \
                 (encrypted; a host application passes its visitor's `Cookie` header on).",
            ))),
        );
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "A session token from `POST /api/v1/session`: `lls1_` and 43 base64url characters."
                .to_owned(),
        );
        components.add_security_scheme("session_token", SecurityScheme::Http(bearer));
        let admin_key = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("llk_<key id>_<secret>")
            .description(Some(
                "An admin API key, made by `lifeline api-keys create --name NAME --scope …` \
                 and shown once: `Authorization: Bearer llk_…`.",
            ))
            .build();
        components.add_security_scheme(SECURITY_SCHEME, SecurityScheme::Http(admin_key));
    }
}

/// `ErrorBody` whose `error` is one of `codes`.
fn error_body_with(codes: &[ErrorCode]) -> Schema {
    let codes = codes.iter().map(|code| code.as_str());
    let narrowed = ObjectBuilder::new().property(
        "error",
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(codes)),
    );
    AllOfBuilder::new()
        .item(Ref::from_schema_name("ErrorBody"))
        .item(narrowed)
        .build()
        .into()
}

/// `Retry-After`: whole seconds, always present on the answers that document it. utoipa's
/// header has no `required` field, so it goes in as an extension (serialized flat, like
/// every extension, as the header object's own `required`).
fn retry_after() -> Header {
    let mut header = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        ))
        .description(Some("Seconds to wait before trying again."))
        .build();
    let mut required = Extensions::default();
    required.insert("required".to_owned(), serde_json::Value::Bool(true));
    header.extensions = Some(required);
    header
}

/// `WWW-Authenticate: Bearer`, always present on a 401.
fn www_authenticate() -> Header {
    let mut header = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["Bearer"])),
        ))
        .description(Some("The authentication scheme the API expects."))
        .build();
    let mut required = Extensions::default();
    required.insert("required".to_owned(), serde_json::Value::Bool(true));
    header.extensions = Some(required);
    header
}

fn add_error(operation: &mut Operation, shared: &SharedError) {
    let mut response = ResponseBuilder::new()
        .description(shared.description)
        .content(
            "application/json",
            Content::new(Some(error_body_with(&[shared.code]))),
        );
    if shared.retry_after {
        response = response.header("Retry-After", retry_after());
    }
    if shared.code == ErrorCode::Unauthenticated {
        response = response.header("WWW-Authenticate", www_authenticate());
    }
    operation
        .responses
        .responses
        .insert(shared.status.to_owned(), response.build().into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_endpoint() {
        // Arrange / Act
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Assert
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        for path in [
            "/api/v1/password/forgot",
            "/api/v1/password/reset",
            "/api/v1/magic-link",
            "/api/v1/magic-link/verify",
        ] {
            let post = &doc["paths"][path]["post"];
            assert!(post.is_object(), "{path}");
            for status in ["413", "415", "429", "500", "503"] {
                assert!(post["responses"][status].is_object(), "{path} {status}");
            }
        }
        assert!(doc["paths"]["/api/v1/openapi.json"]["get"].is_object());
    }

    #[test]
    fn a_query_parameter_the_handler_needs_is_required() {
        // Arrange / Act
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Assert
        let find = &doc["paths"]["/api/v1/admin/accounts"]["get"]["parameters"][0];
        assert_eq!(find["name"], "email");
        assert_eq!(find["in"], "query");
        assert_eq!(find["required"], true, "{find}");
        let audit = &doc["paths"]["/api/v1/admin/accounts/{id}/audit"]["get"]["parameters"];
        for parameter in audit.as_array().unwrap() {
            let optional = parameter["in"] == "query";
            assert_eq!(parameter["required"], !optional, "{parameter}");
        }
    }

    #[test]
    fn request_schemas_refuse_unknown_fields_like_the_handlers() {
        // Arrange / Act
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Assert
        let schemas = &doc["components"]["schemas"];
        for name in [
            "ForgotRequest",
            "ResetRequest",
            "MagicLinkRequest",
            "VerifyRequest",
        ] {
            assert_eq!(schemas[name]["additionalProperties"], false, "{name}");
        }
        assert_eq!(
            schemas["ResetRequest"]["required"],
            serde_json::json!(["token", "password"])
        );
    }

    #[test]
    fn every_error_answer_lists_its_codes_and_each_is_an_error_code() {
        // Arrange
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();
        let all_codes = doc["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap();

        // Act / Assert
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    let schema = &response["content"]["application/json"]["schema"];
                    assert_eq!(schema["allOf"][0]["$ref"], "#/components/schemas/ErrorBody");
                    let codes = schema["allOf"][1]["properties"]["error"]["enum"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{method} {path} {status}: no codes"));
                    assert!(!codes.is_empty(), "{method} {path} {status}");
                    for code in codes {
                        assert!(all_codes.contains(code), "{method} {path} {status} {code}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_documented_code_is_sent_as_documented() {
        // Arrange
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();
        let codes = doc["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap();

        // Act / Assert: the schema's names, serde's and `as_str` agree.
        for code in codes {
            let parsed: ErrorCode = serde_json::from_value(code.clone()).unwrap();
            assert_eq!(parsed.as_str(), code.as_str().unwrap());
            assert_eq!(serde_json::to_value(parsed).unwrap(), *code);
        }
    }

    #[test]
    fn answers_that_ask_to_wait_require_retry_after() {
        // Arrange / Act
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Assert
        for path in ["/api/v1/password/forgot", "/api/v1/magic-link/verify"] {
            for status in ["429", "503"] {
                let header =
                    &doc["paths"][path]["post"]["responses"][status]["headers"]["Retry-After"];
                assert_eq!(header["required"], true, "{path} {status}");
                assert_eq!(header["schema"]["type"], "integer", "{path} {status}");
            }
        }
    }

    #[test]
    fn every_registered_api_route_is_documented_and_every_documented_route_registered() {
        // Arrange
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Act
        let registered: std::collections::BTreeSet<(String, String)> = super::super::ENDPOINTS
            .iter()
            .map(|e| {
                let path = format!("{}{}", super::super::PREFIX, e.path);
                (e.method.as_str().to_owned(), path)
            })
            .collect();
        let documented = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                let methods = item.as_object().unwrap().keys();
                methods.map(move |method| (method.to_ascii_uppercase(), path.clone()))
            })
            .collect();

        // Assert
        assert_eq!(registered, documented);
    }

    #[test]
    fn admin_endpoints_require_the_admin_key_scheme_and_document_its_refusals() {
        // Arrange / Act
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();

        // Assert
        let scheme = &doc["components"]["securitySchemes"]["admin_key"];
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
        let get = &doc["paths"]["/api/v1/admin/key"]["get"];
        assert_eq!(get["security"], serde_json::json!([{"admin_key": []}]));
        let unauthenticated = &get["responses"]["401"];
        assert_eq!(
            unauthenticated["headers"]["WWW-Authenticate"]["required"],
            true
        );
        let codes = &unauthenticated["content"]["application/json"]["schema"]["allOf"][1];
        assert_eq!(
            codes["properties"]["error"]["enum"],
            serde_json::json!(["unauthenticated"])
        );
        assert_eq!(
            get["responses"]["429"]["headers"]["Retry-After"]["required"],
            true
        );
        for status in ["500", "503"] {
            assert!(get["responses"][status].is_object(), "{status}");
        }
        assert!(get["responses"]["415"].is_null());
    }
}
