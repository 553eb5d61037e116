//! The policies and where they apply, read once from the environment.
//!
//! `RATE_LIMITS=off` switches the layer off; `RATE_LIMIT_<POLICY>=<requests>/<seconds>`
//! sets one policy (`RATE_LIMIT_ANON=300/60`). Load-test scripts rely on
//! these names.

use axum::http::Method;

/// A budget of `quota` requests per fixed window of `window` seconds, per
/// caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The name clients see in `RateLimit-Policy` (lowercase).
    pub name: &'static str,
    pub quota: u32,
    pub window: u32,
}

impl Policy {
    pub const fn new(name: &'static str, quota: u32, window: u32) -> Self {
        Self {
            name,
            quota,
            window,
        }
    }
}

/// Callers without a valid signature, on every route.
pub const ANON: Policy = Policy::new("anon", 300, 60);
/// Callers with a valid signature (counted by signer address), on every route.
pub const SIGNED: Policy = Policy::new("signed", 1_200, 60);

/// A route with a budget of its own, counted on top of `anon` or `signed`:
/// the expensive or abusable ones. `path` is the route as declared
/// (`/v1/parcels/{x}/{y}/map.png`). Each family declares its own.
#[derive(Debug, Clone)]
pub struct RoutePolicy {
    pub method: Method,
    pub path: &'static str,
    pub policy: Policy,
}

impl RoutePolicy {
    pub fn new(method: Method, path: &'static str, policy: Policy) -> Self {
        Self {
            method,
            path,
            policy,
        }
    }
}

/// What the layer enforces.
#[derive(Debug, Clone)]
pub struct RateLimits {
    pub anon: Policy,
    pub signed: Policy,
    pub routes: Vec<RoutePolicy>,
}

/// The longest window a policy may have: a day.
pub const MAX_WINDOW: u32 = 86_400;

impl RateLimits {
    /// The defaults, with these routes' policies.
    pub fn new(routes: Vec<RoutePolicy>) -> Self {
        Self {
            anon: ANON,
            signed: SIGNED,
            routes,
        }
    }

    /// Every policy, each once.
    pub fn policies(&self) -> Vec<Policy> {
        let mut all = vec![self.anon, self.signed];
        for route in &self.routes {
            if !all.iter().any(|p| p.name == route.policy.name) {
                all.push(route.policy);
            }
        }
        all
    }

    /// Sets the policy `name` (in every route that uses it); an error when
    /// no policy has that name.
    pub fn set(&mut self, name: &str, quota: u32, window: u32) -> Result<(), String> {
        let mut found = false;
        for policy in [&mut self.anon, &mut self.signed]
            .into_iter()
            .chain(self.routes.iter_mut().map(|r| &mut r.policy))
        {
            if policy.name == name {
                (policy.quota, policy.window) = (quota, window);
                found = true;
            }
        }
        if found {
            Ok(())
        } else {
            Err(format!(
                "no rate-limit policy is named \"{name}\"; the policies are {}",
                self.names()
            ))
        }
    }

    /// The policies' names, for messages.
    pub fn names(&self) -> String {
        self.policies()
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The route's own policies. A HEAD runs the GET handler: it counts
    /// as one.
    pub fn for_route(&self, method: &Method, path: &str) -> impl Iterator<Item = Policy> {
        let method = if *method == Method::HEAD {
            Method::GET
        } else {
            method.clone()
        };
        self.routes
            .iter()
            .filter(move |r| r.method == method && r.path == path)
            .map(|r| r.policy)
    }

    /// The limits as configured by `vars` (the environment's variables):
    /// `None` when `RATE_LIMITS=off`, and the variables that name no policy
    /// of these routes (another family's, or a typo: the caller logs them).
    /// A malformed value is an error that names the variable: a Lambda
    /// stops at init rather than run unguarded by mistake.
    pub fn from_vars(
        routes: Vec<RoutePolicy>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(Option<Self>, Vec<String>), String> {
        let mut limits = Self::new(routes);
        let mut off = false;
        let mut unused = Vec::new();
        for (name, value) in vars {
            if name == "RATE_LIMITS" {
                match value.trim().to_ascii_lowercase().as_str() {
                    "off" => off = true,
                    "on" | "" => {}
                    other => {
                        return Err(format!("RATE_LIMITS={other}: expected \"on\" or \"off\""));
                    }
                }
                continue;
            }
            let Some(policy) = name.strip_prefix("RATE_LIMIT_") else {
                continue;
            };
            // The counter's table and timeout share the prefix.
            if policy == "TABLE" || policy == "TIMEOUT_MS" {
                continue;
            }
            let (quota, window) = parse_budget(&value)
                .ok_or_else(|| format!("{name}={value}: expected <requests>/<seconds>, e.g. 300/60, with 1..={MAX_WINDOW} seconds"))?;
            if limits
                .set(&policy.to_ascii_lowercase(), quota, window)
                .is_err()
            {
                unused.push(name);
            }
        }
        Ok(((!off).then_some(limits), unused))
    }

    /// [`Self::from_vars`] on the process's environment; the variables no
    /// policy here uses are logged.
    pub fn from_env(routes: Vec<RoutePolicy>) -> Result<Option<Self>, String> {
        // (Variables that are not UTF-8 are none of ours.)
        let vars = std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        });
        let (limits, unused) = Self::from_vars(routes, vars)?;
        if let Some(limits) = &limits {
            for name in unused {
                tracing::warn!(
                    variable = %name,
                    policies = %limits.names(),
                    "this variable sets no rate-limit policy of these routes"
                );
            }
        }
        Ok(limits)
    }
}

/// `300/60` -> (300, 60).
fn parse_budget(value: &str) -> Option<(u32, u32)> {
    let (quota, window) = value.trim().split_once('/')?;
    let quota: u32 = quota.trim().parse().ok()?;
    let window: u32 = window.trim().parse().ok()?;
    (quota > 0 && (1..=MAX_WINDOW).contains(&window)).then_some((quota, window))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENDER: Policy = Policy::new("render", 60, 60);

    fn routes() -> Vec<RoutePolicy> {
        vec![
            RoutePolicy::new(Method::GET, "/v1/map.png", RENDER),
            RoutePolicy::new(Method::GET, "/v1/estates/{id}/map.png", RENDER),
        ]
    }

    fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_defaults_hold_without_configuration() {
        let (limits, unused) = RateLimits::from_vars(routes(), vars(&[("HOME", "/root")])).unwrap();
        let limits = limits.unwrap();
        assert!(unused.is_empty());
        assert_eq!(limits.anon, ANON);
        assert_eq!(limits.signed, SIGNED);
        let names: Vec<_> = limits.policies().iter().map(|p| p.name).collect();
        assert_eq!(names, ["anon", "signed", "render"]);
        assert_eq!(
            limits
                .for_route(&Method::GET, "/v1/map.png")
                .collect::<Vec<_>>(),
            [RENDER]
        );
        assert_eq!(limits.for_route(&Method::HEAD, "/v1/map.png").count(), 1);
        assert_eq!(limits.for_route(&Method::POST, "/v1/map.png").count(), 0);
    }

    #[test]
    fn each_policy_is_set_by_its_variable_in_every_route_that_uses_it() {
        let (limits, unused) = RateLimits::from_vars(
            routes(),
            vars(&[
                ("RATE_LIMIT_ANON", "10/1"),
                ("RATE_LIMIT_RENDER", " 5 / 30 "),
                ("RATE_LIMIT_TABLE", "rate-limits"),
                ("RATE_LIMIT_TIMEOUT_MS", "1000"),
                ("RATE_LIMIT_CAPTCHA", "1/60"),
                ("RATE_LIMITS", "on"),
            ]),
        )
        .unwrap();
        let limits = limits.unwrap();
        // Another family's policy (or a typo) is reported, not applied.
        assert_eq!(unused, ["RATE_LIMIT_CAPTCHA"]);
        assert_eq!((limits.anon.quota, limits.anon.window), (10, 1));
        assert!(
            limits
                .routes
                .iter()
                .all(|r| r.policy.quota == 5 && r.policy.window == 30)
        );
        assert_eq!(limits.signed, SIGNED);
    }

    #[test]
    fn off_switches_the_layer_off() {
        for value in ["off", "OFF", " off "] {
            let (limits, _) =
                RateLimits::from_vars(routes(), vars(&[("RATE_LIMITS", value)])).unwrap();
            assert!(limits.is_none(), "{value}");
        }
    }

    #[test]
    fn a_malformed_value_names_its_variable() {
        for (name, value, says) in [
            ("RATE_LIMITS", "no", "RATE_LIMITS=no"),
            ("RATE_LIMIT_ANON", "300", "RATE_LIMIT_ANON=300"),
            ("RATE_LIMIT_ANON", "0/60", "RATE_LIMIT_ANON=0/60"),
            ("RATE_LIMIT_ANON", "10/0", "RATE_LIMIT_ANON=10/0"),
            ("RATE_LIMIT_ANON", "10/86401", "RATE_LIMIT_ANON=10/86401"),
            ("RATE_LIMIT_ANON", "-1/60", "RATE_LIMIT_ANON=-1/60"),
            ("RATE_LIMIT_RENDER", "ten/60", "RATE_LIMIT_RENDER=ten/60"),
        ] {
            let err = RateLimits::from_vars(routes(), vars(&[(name, value)])).unwrap_err();
            assert!(err.contains(says), "{name}={value}: {err}");
        }
    }
}
