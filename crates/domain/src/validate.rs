//! Field-by-field checking of what people type. Each error is a stable code that the UI turns
//! into a message in the user's language (Fluent id `error-<code>`) shown next to the field, and
//! that the JSON API returns as is.

use serde::Serialize;

/// Errors keyed by field name, in the order they were found.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

/// Every code this module and the form checks produce, for the test that each has a message.
pub const ALL_CODES: &[&str] = &[
    "required",
    "too-long",
    "postal-code-format",
    "email-format",
    "org-kind-unknown",
    "soteri-format",
    "oid-format",
    "language-unknown",
    "username-format",
    "username-taken",
    "business-id-taken",
    "role-unknown",
    "role-wrong-organisation-kind",
    "roles-required",
    "password-too-short",
    "role-own-admin",
    "deactivate-self",
    "audit-user-unknown",
    "audit-record-format",
    "date-format",
    "date-range",
    "json-invalid",
    "csrf",
    "invalid-choice",
    "years-invalid",
    "date-in-future",
    "evidence-expired",
    "option-years-format",
    "cpv-unknown",
    "nuts-unknown",
    "number-format",
    "extension-shorter",
    "url-format",
    "age-range",
    "percent-format",
    "lot-closed",
    "roster-empty",
    "price-over-cap",
    "free-over-capacity",
    "application-exists",
    "already-admitted",
    "admit-unmet-requirements",
    "reasons-required",
    "note-required",
    "quality-points-format",
    "unit-not-own",
    "staff-not-own",
    "step-not-possible",
    "invoice-needs-check",
    "invoice-same-person",
    "invoice-amount-invalid",
    "invoice-export-empty",
    "buyer-unknown",
    "notice-unreadable",
    "provider-not-in-order",
    "skip-reason-required",
    "identity-code-taken",
    "guardian-is-client",
    "commitment-outside-period",
    "time-format",
    "visit-ends-before-start",
    "visit-in-future",
    "visit-too-old",
    "visit-period-closed",
    "visit-outside-commitment",
    "visit-kind-unknown",
    "visit-status-unknown",
    "visit-worker-unknown",
    "visit-worker-required",
    "participants-format",
    "visit-duplicate",
    "visit-already-confirmed",
    "visit-commitment-unknown",
    "visit-commitment-not-accepted",
    "dispute-reason-required",
    "code-unknown",
    "code-used",
    "code-expired",
    "code-invalid",
    "api-key-operations-required",
    "api-key-validity",
    "file-required",
    "visits-required",
    "goal-evaluation-required",
    "hours-format",
    "evaluation-before-meeting",
    "rating-format",
    "report-month-outside",
    "report-month-not-over",
    "comments-required",
    "visits-too-many",
    "number-negative",
    "period-format",
    "period-outside",
    "period-duplicate",
    "period-mixed",
    "column-missing",
    "column-unknown",
    "file-empty",
    "file-too-long",
    "product-no-target",
    "order-unknown-product",
    "order-no-price",
    "order-duplicate",
    "product-duplicate",
    "provider-unknown",
    "provider-fixed",
    "procurement-unknown",
    "agreement-not-agreed",
    "version-superseded",
    "report-empty",
    "unit-unknown",
    "agreement-kind-unknown",
    "code-format",
    "file-unreadable",
    "reference-identity-code",
    // Cost sharing (seed 002).
    "party-twice",
    "parties-too-few",
    "host-not-party",
    "party-unknown",
    "iban-invalid",
    "bic-invalid",
    "payment-days-range",
    "expected-kind-twice",
    "cost-kind-unknown",
    "outside-agreement",
    "version-overlaps",
    "share-negative",
    "percent-precision",
    "share-over-100",
    "shares-over-100",
    "population-missing",
    "population-format",
    "population-zero",
    "date-outside-quarter",
    "amount-positive",
    "quarter-not-ended",
    "costs-incomplete",
    "basis-missing",
    "funding-exceeds-cost",
    "nothing-to-correct",
    "round-already-issued",
    // Registers of people (seed 002).
    "capacity-range",
    "consent-required",
    "entry-ended",
    "register-code-invalid",
    "consent-none",
    "shares-zero",
    // Shared purchase invoices (seed 002).
    "source-required",
    "source-one",
    "unknown-commitment",
    "unknown-agreement",
    "source-twice",
    "invoice-not-shareable",
    "invoice-already-shared",
    // A client's own log data (703/2023 11 §).
    "log-reason-required",
    "log-request-answered",
    // Soteri registration of a provider's unit (741/2023 5 §).
    "soteri-incomplete",
    "unit-not-in-soteri",
    // Supervision of purchased services (741/2023 23–25 §, 29 §).
    "deviation-deadline-past",
    "deviation-rate-invalid",
    "deviation-step-not-possible",
    "deviation-month-format",
    "purchaser-unknown",
    // Access by task (703/2023 9 §).
    "exception-note-required",
    // Retention (703/2023 23–24 §).
    "date-before-birth",
    "retention-run-approved",
];

impl FieldErrors {
    pub fn add(&mut self, field: &str, code: &str) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        });
    }

    pub fn single(field: &str, code: &str) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, code);
        e
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error of a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.as_str())
    }

    /// A trimmed, non-empty text of at most `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required");
        } else if v.chars().count() > max {
            self.add(field, "too-long");
        }
        v.to_owned()
    }

    /// A trimmed text of at most `max` characters, possibly empty.
    pub fn optional(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.chars().count() > max {
            self.add(field, "too-long");
        }
        v.to_owned()
    }

    /// A Finnish postal code: five digits.
    pub fn postal_code(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required");
        } else if v.len() != 5 || !v.bytes().all(|b| b.is_ascii_digit()) {
            self.add(field, "postal-code-format");
        }
        v.to_owned()
    }

    /// An e-mail address, checked only for the shape that catches typing mistakes.
    pub fn email(&mut self, field: &str, value: &str, required: bool) -> String {
        let v = value.trim();
        if v.is_empty() {
            if required {
                self.add(field, "required");
            }
        } else {
            let ok = match v.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !v.chars().any(char::is_whitespace)
                }
                None => false,
            };
            if !ok {
                self.add(field, "email-format");
            } else if v.len() > 254 {
                self.add(field, "too-long");
            }
        }
        v.to_owned()
    }
}
