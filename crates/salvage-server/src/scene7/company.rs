//! checkLogin, getUserInfo, getCompanyInfo, getCompanyMembership and addCompany (spec §12).

use super::auth::Access;
use super::faults::{self, Fault};
use super::handles;
use super::xml::{boolean, Out};
use super::{Call, Operation};
use salvage_core::model::{RestorePolicy, Role, Tenant, TrashSettings, User};
use salvage_core::name;
use salvage_core::Error;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "checkLogin",
        access: Access::Read,
    },
    Operation {
        name: "getUserInfo",
        access: Access::Read,
    },
    Operation {
        name: "getCompanyInfo",
        access: Access::Read,
    },
    Operation {
        name: "getCompanyMembership",
        access: Access::Read,
    },
    Operation {
        name: "addCompany",
        access: Access::AddCompany,
    },
];

pub async fn run(call: &Call<'_>) -> Option<Result<Out, Fault>> {
    Some(match call.op.name {
        "checkLogin" => check_login(call).await,
        "getUserInfo" => get_user_info(call).await,
        "getCompanyInfo" => get_company_info(call).await,
        "getCompanyMembership" => get_company_membership(call).await,
        "addCompany" => add_company(call).await,
        _ => return None,
    })
}

/// The trash policy of a company made through this API: IPS keeps trashed assets seven days
/// and purges emptied ones at the next nightly cleanup; a trashed asset's name stays taken; any
/// user whose role may work the trash may restore (spec §9).
const COMPANY_TRASH: TrashSettings = TrashSettings {
    user_bin_days: 7,
    system_bin_days: 1,
    names_reserved: true,
    restore_policy: RestorePolicy::AnyTrashRole,
};

/// `Company{companyHandle, name, rootPath}`.
pub fn company(name: &str, tenant: &Tenant) -> Out {
    Out::new(name)
        .field("companyHandle", handles::company(tenant.id))
        .field("name", tenant.name.clone())
        .field("rootPath", format!("{}/", tenant.name))
}

/// checkLogin(companyHandle?, email, password): `ValidLogin` when the password is right (and
/// the user is a member of the company, if one is named).
async fn check_login(call: &Call<'_>) -> Result<Out, Fault> {
    call.check_role().await?;
    let email = call.params.required("email")?;
    let password = call
        .params
        .element("password")
        .map(|p| p.text.as_str())
        .ok_or_else(|| Fault::missing("password"))?;
    let valid = match call.state.repo.check_login(email, password, call.client.address).await {
        Ok(user) => match call.params.optional("companyHandle").map(handles::parse_company) {
            None => true,
            Some(None) => false,
            Some(Some(tenant)) => call.state.repo.actor_for(&user, tenant).await.is_ok(),
        },
        Err(Error::AuthenticationFailed | Error::PermissionDenied(_)) => false,
        // A throttled check says so (a fault) rather than "InvalidLogin", which would be a guess.
        Err(e) => return Err(Fault::from_core(&e, "login")),
    };
    Ok(call
        .reply()
        .field("status", if valid { "ValidLogin" } else { "InvalidLogin" }))
}

/// The user a `userHandle` or `email` names: the caller, or (for an administrator of a company
/// the other user belongs to) someone else. Anyone else is an invalid request user.
async fn named_user(call: &Call<'_>, handle: Option<&str>, email: Option<&str>) -> Result<User, Fault> {
    let me = &call.user;
    let wanted_id = match handle {
        Some(h) => Some(handles::parse_user(h).ok_or_else(invalid_user)?),
        None => None,
    };
    let login = email.map(str::to_owned).or_else(|| {
        // A handle carries the e-mail after the id: `u|41|someone@example.com`.
        handle.and_then(|h| {
            h.trim()
                .trim_start_matches("u|")
                .split_once('|')
                .map(|(_, e)| e.to_owned())
        })
    });
    let is_me = wanted_id.is_none_or(|id| id == me.id)
        && login
            .as_deref()
            .is_none_or(|l| name::same(l, &me.email) || name::same(l, &me.username));
    if is_me {
        return Ok(me.clone());
    }
    let Some(login) = login else {
        return Err(invalid_user());
    };
    let memberships = call
        .state
        .repo
        .memberships_of(me)
        .await
        .map_err(|e| Fault::from_core(&e, "user"))?;
    for (tenant, _) in memberships {
        let Ok(actor) = call.state.repo.actor_for(me, tenant.id).await else {
            continue;
        };
        if !actor.is_admin {
            continue;
        }
        if let Ok(user) = call.state.repo.find_user(&actor, &login).await {
            if wanted_id.is_none_or(|id| id == user.id) {
                return Ok(user);
            }
        }
    }
    Err(invalid_user())
}

fn invalid_user() -> Fault {
    Fault::authorization(faults::INVALID_REQUEST_USER, "Invalid request user")
}

/// The role a user has where no company is named: IpsAdmin for a system administrator, else
/// the role of their first company.
fn default_role(user: &User, memberships: &[(Tenant, Role)]) -> Option<Role> {
    if user.is_system_admin {
        return Some(Role::IpsAdmin);
    }
    memberships.first().map(|(_, r)| *r)
}

/// getUserInfo(userHandle?, email?): the caller unless another user is named.
async fn get_user_info(call: &Call<'_>) -> Result<Out, Fault> {
    call.check_role().await?;
    let user = named_user(call, call.params.optional("userHandle"), call.params.optional("email")).await?;
    let memberships = call
        .state
        .repo
        .memberships_of(&user)
        .await
        .map_err(|e| Fault::from_core(&e, "user"))?;
    let mut info = Out::new("userInfo")
        .field("userHandle", handles::user(user.id, &user.email))
        .field("firstName", user.first_name.clone())
        .field("lastName", user.last_name.clone())
        .field("email", user.email.clone())
        .field("isValid", boolean(user.enabled))
        .field("isIpsAdmin", boolean(user.is_system_admin));
    if let Some(role) = default_role(&user, &memberships) {
        info = info.field("defaultRole", role.as_str());
    }
    Ok(call.reply().with(info))
}

/// getCompanyInfo(companyHandle? | companyName?): a company the caller belongs to.
async fn get_company_info(call: &Call<'_>) -> Result<Out, Fault> {
    let tenant = match (
        call.params.optional("companyHandle"),
        call.params.optional("companyName"),
    ) {
        (Some(_), _) => call.company().await?.tenant,
        (None, Some(name)) => {
            call.check_role().await?;
            let memberships = call
                .state
                .repo
                .memberships_of(&call.user)
                .await
                .map_err(|e| Fault::from_core(&e, "company"))?;
            memberships
                .into_iter()
                .map(|(t, _)| t)
                .find(|t| t.name == name)
                .ok_or_else(Fault::invalid_company)?
        }
        (None, None) => return Err(Fault::missing("companyHandle")),
    };
    Ok(call.reply().with(company("companyInfo", &tenant)))
}

/// getCompanyMembership(userHandle?): the companies of the caller (or of a user they
/// administer), with the role in each.
async fn get_company_membership(call: &Call<'_>) -> Result<Out, Fault> {
    call.check_role().await?;
    let user = named_user(call, call.params.optional("userHandle"), None).await?;
    let memberships = call
        .state
        .repo
        .memberships_of(&user)
        .await
        .map_err(|e| Fault::from_core(&e, "user"))?;
    let items = memberships.iter().map(|(tenant, role)| {
        Out::new("items")
            .with(company("company", tenant))
            .field("role", role.as_str())
            .field("isActive", "true")
    });
    Ok(call.reply().with(Out::array("membershipArray", items)))
}

/// addCompany(companyName, …): a new tenant with IPS trash behaviour. The other parameters
/// (expiry, IMS organisation, storage plans) have no meaning in salvage and are ignored.
async fn add_company(call: &Call<'_>) -> Result<Out, Fault> {
    call.check_role().await?;
    let name = call.params.required("companyName")?;
    let memberships = call
        .state
        .repo
        .memberships_of(&call.user)
        .await
        .map_err(|e| Fault::from_core(&e, "company"))?;
    let Some((home, _)) = memberships.first() else {
        return Err(Fault::operation_refused(call.op.name));
    };
    let actor = call
        .state
        .repo
        .actor_for(&call.user, home.id)
        .await
        .map_err(|e| Fault::from_core(&e, "company"))?;
    let tenant = call
        .state
        .repo
        .create_tenant_with(&actor, name, COMPANY_TRASH)
        .await
        .map_err(|e| match e {
            Error::NameConflict(_) => Fault::ips(faults::EXCEPTION, format!("Company '{name}' already exists")),
            Error::PermissionDenied(_) => Fault::operation_refused(call.op.name),
            e => Fault::from_core(&e, "company name"),
        })?;
    tracing::info!(company = tenant.id, name = %tenant.name, "company added");
    Ok(call.reply().with(company("companyInfo", &tenant)))
}
