//! The route table: every method and path the application answers, declared once. The router is
//! built from it, and the route-walk test reads the same list, so that a new route is walked
//! (as every role, with ids it must not reach) without anyone editing the test.

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post, put};
use axum::Router;

/// One method on one path, as declared in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    /// The path pattern with its `{parameters}`, as the router matches it.
    pub path: &'static str,
    /// Whether the route takes a file upload (a larger body limit).
    pub upload: bool,
}

/// The router under construction and the list of what it was given.
pub struct Table {
    pub(crate) router: Router<AppState>,
    pub(crate) routes: Vec<Route>,
}

impl Table {
    pub(crate) fn new() -> Table {
        Table {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        upload: bool,
        route: axum::routing::MethodRouter<AppState>,
    ) -> Table {
        self.routes.push(Route {
            method,
            path,
            upload,
        });
        // axum merges the methods of one path declared in several calls.
        self.router = self.router.route(path, route);
        self
    }

    pub(crate) fn get<H, T>(self, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, false, get(handler))
    }

    pub(crate) fn post<H, T>(self, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, false, post(handler))
    }

    pub(crate) fn put<H, T>(self, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, false, put(handler))
    }

    /// A POST that takes a file: its body may be up to [`crate::ctx::UPLOAD_LIMIT`].
    pub(crate) fn upload<H, T>(self, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = post(handler).layer(DefaultBodyLimit::max(crate::ctx::UPLOAD_LIMIT));
        self.add(Method::POST, path, true, route)
    }
}
