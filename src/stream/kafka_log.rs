//! librdkafka's own log lines and error events, at the level an operator wants them.
//!
//! librdkafka reconnects, re-acquires producer ids and waits for coordinators by itself, and
//! says so at warning or error level each time ("Connect to ... failed", "1/1 brokers are
//! down", "Failed to acquire idempotence PID ... retrying"). Those are routine: the worker
//! reports an outage once ([`super::link`]) and readiness tells the rest. They go to debug
//! here; everything else keeps librdkafka's level.

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::FutureProducer;
use rdkafka::ClientContext;
use std::sync::Arc;

use super::link::BrokerLink;

/// The producers' client context (the consumer's has the same log handling). With a link,
/// refusals (bad credentials, TLS, authorization) are reported to it, so the worker stops.
#[derive(Default, Clone)]
pub struct KafkaLog {
    link: Option<Arc<BrokerLink>>,
}

impl KafkaLog {
    /// Reports refusals to `link`.
    pub fn reporting_to(link: Arc<BrokerLink>) -> Self {
        KafkaLog { link: Some(link) }
    }
}

/// The worker's and the tools' producer.
pub type KafkaProducer = FutureProducer<KafkaLog>;

impl ClientContext for KafkaLog {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        forward(level, fac, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let code = error.rdkafka_error_code();
        if let (Some(link), Some(true)) = (&self.link, code.map(is_refusal_code)) {
            link.refused(&format!("{error}: {reason}"));
        }
        if code.is_some_and(is_connection_code) {
            tracing::debug!(error = %error, reason, "kafka connection error (librdkafka retries)");
        } else {
            tracing::warn!(error = %error, reason, "kafka client error");
        }
    }
}

/// Errors librdkafka recovers from by reconnecting or retrying.
pub fn is_connection_code(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::RequestTimedOut
            | RDKafkaErrorCode::OperationTimedOut
            | RDKafkaErrorCode::CoordinatorLoadInProgress
            | RDKafkaErrorCode::CoordinatorNotAvailable
            | RDKafkaErrorCode::NotCoordinator
    )
}

/// The brokers refuse this client: wrong credentials, a TLS failure (unknown CA, wrong
/// host name) or missing permissions. Retrying cannot help; the worker stops and says why.
pub fn is_refusal_code(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::Authentication
            | RDKafkaErrorCode::SaslAuthenticationFailed
            | RDKafkaErrorCode::SSL
            | RDKafkaErrorCode::TopicAuthorizationFailed
            | RDKafkaErrorCode::GroupAuthorizationFailed
            | RDKafkaErrorCode::ClusterAuthorizationFailed
            | RDKafkaErrorCode::TransactionalIdAuthorizationFailed
    )
}

/// Is this log line a retry librdkafka handles by itself?
pub fn is_routine(fac: &str, message: &str) -> bool {
    const ROUTINE: [&str; 8] = [
        "Connection refused",
        "brokers are down",
        "Connect to ",
        "Disconnected",
        "Coordinator load in progress",
        "Failed to acquire",
        "retrying",
        "Broker: Not coordinator",
    ];
    // SESSTMOUT: the group session lapsed during an outage (the consumer rejoins); TXNERR: a
    // transaction failed and is retried (the publisher reports it once, or as fatal)
    matches!(fac, "FAIL" | "GETPID" | "IDEMPSTATE" | "COORDCLEAR" | "SESSTMOUT" | "TXNERR") || ROUTINE.iter().any(|r| message.contains(r))
}

/// Logs one librdkafka line through `tracing`.
pub fn forward(level: RDKafkaLogLevel, fac: &str, message: &str) {
    if is_routine(fac, message) {
        tracing::debug!(target: "librdkafka", facility = fac, "{message}");
        return;
    }
    match level {
        RDKafkaLogLevel::Emerg | RDKafkaLogLevel::Alert | RDKafkaLogLevel::Critical | RDKafkaLogLevel::Error => {
            tracing::error!(target: "librdkafka", facility = fac, "{message}")
        }
        RDKafkaLogLevel::Warning => tracing::warn!(target: "librdkafka", facility = fac, "{message}"),
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => tracing::info!(target: "librdkafka", facility = fac, "{message}"),
        RDKafkaLogLevel::Debug => tracing::debug!(target: "librdkafka", facility = fac, "{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_and_pid_retries_are_routine_other_lines_are_not() {
        assert!(is_routine("FAIL", "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused"));
        assert!(is_routine("ERROR", "1/1 brokers are down"));
        assert!(is_routine("GETPID", "Failed to acquire idempotence PID from broker: Coordinator load in progress: retrying"));
        assert!(!is_routine("SSL", "SSL handshake failed: certificate verify failed"));
        assert!(!is_routine("SASL", "SASL authentication error: Authentication failed during authentication due to invalid credentials"));
        assert!(is_connection_code(RDKafkaErrorCode::AllBrokersDown));
        assert!(!is_connection_code(RDKafkaErrorCode::SaslAuthenticationFailed));
        assert!(is_refusal_code(RDKafkaErrorCode::SaslAuthenticationFailed) && is_refusal_code(RDKafkaErrorCode::Authentication));
        assert!(!is_refusal_code(RDKafkaErrorCode::AllBrokersDown));
    }
}
