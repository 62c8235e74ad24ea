//! Drift checks of `deploy/`: the Kubernetes manifests and the container image definition must
//! agree with what the binary serves and reads. No cluster or container engine is needed: the
//! files are parsed and compared with the code's own constants and configuration loader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use quotewire::config::Config;
use quotewire::observability::{HEALTHZ_PATH, READYZ_PATH, ROUTES};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every document of every YAML file under deploy/k8s, by kind.
fn manifests() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let dir = root().join("deploy/k8s");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("deploy/k8s").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let text = std::fs::read_to_string(&path).expect("manifest text");
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let yaml = <serde_yaml::Value as serde::Deserialize>::deserialize(doc).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
            let json: Value = serde_json::to_value(yaml).expect("YAML maps to JSON");
            let kind = json["kind"].as_str().unwrap_or_else(|| panic!("{} has no kind", path.display())).to_string();
            assert!(out.insert(kind.clone(), json).is_none(), "one {kind} only");
        }
    }
    out
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// The ConfigMap's QUOTEWIRE_* variables loaded the way the worker loads its environment.
fn configmap_env(m: &BTreeMap<String, Value>) -> (Vec<(String, String)>, Config) {
    let data = m["ConfigMap"]["data"].as_object().expect("ConfigMap data");
    let env: Vec<(String, String)> = data.iter().map(|(k, v)| (k.clone(), v.as_str().expect("ConfigMap values are strings").to_string())).collect();
    let config = Config::load(None, env.clone()).unwrap_or_else(|e| panic!("the ConfigMap's variables must be config keys the worker accepts: {e}"));
    (env, config)
}

fn http_port(config: &Config) -> u16 {
    config.observability.http_listen.rsplit(':').next().and_then(|p| p.parse().ok()).expect("http_listen has a port")
}

#[test]
fn every_manifest_parses_and_the_kustomization_lists_them_all() {
    let m = manifests();
    for kind in ["Kustomization", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "ScaledObject"] {
        assert!(m.contains_key(kind), "deploy/k8s has a {kind}");
    }
    let listed: Vec<&str> = m["Kustomization"]["resources"].as_array().expect("resources").iter().filter_map(Value::as_str).collect();
    for file in &listed {
        assert!(root().join("deploy/k8s").join(file).exists(), "kustomization resource {file} exists");
    }
    assert_eq!(listed.len(), m.len() - 1, "every manifest is in the kustomization");
}

#[test]
fn configmap_keys_are_config_keys_the_binary_reads() {
    let m = manifests();
    let (env, config) = configmap_env(&m);
    for (name, _) in &env {
        assert!(name.starts_with("QUOTEWIRE_"), "{name}: only QUOTEWIRE_* variables configure the worker");
    }
    // values the other manifests repeat
    assert_eq!(config.kafka.group_id, str_at(&m["ScaledObject"], "/spec/triggers/0/metadata/consumerGroup"));
    assert_eq!(config.kafka.input_topic, str_at(&m["ScaledObject"], "/spec/triggers/0/metadata/topic"));
    assert_eq!(config.kafka.brokers, str_at(&m["ScaledObject"], "/spec/triggers/0/metadata/bootstrapServers"));
}

#[test]
fn ports_and_probe_paths_match_what_the_worker_serves() {
    let m = manifests();
    let (_, config) = configmap_env(&m);
    let port = http_port(&config);
    let container = &m["Deployment"]["spec"]["template"]["spec"]["containers"][0];
    let ports = container["ports"].as_array().expect("container ports");
    let http = ports.iter().find(|p| p["name"] == "http").expect("a port named http");
    assert_eq!(http["containerPort"], port, "containerPort = the port of observability.http_listen");

    for (probe, expected) in [("livenessProbe", HEALTHZ_PATH), ("readinessProbe", READYZ_PATH), ("startupProbe", HEALTHZ_PATH)] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"], expected, "{probe} path");
        assert!(ROUTES.contains(&get["path"].as_str().unwrap_or_default()));
        assert_eq!(get["port"], "http", "{probe} uses the named port");
    }
    let annotations = &m["Deployment"]["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/port"], port.to_string());
    assert!(ROUTES.contains(&annotations["prometheus.io/path"].as_str().unwrap_or_default()));

    let service_port = &m["Service"]["spec"]["ports"][0];
    assert_eq!(service_port["port"], port);
    assert_eq!(service_port["targetPort"], "http");
}

#[test]
fn selectors_and_names_tie_the_objects_together() {
    let m = manifests();
    let deployment = &m["Deployment"];
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(&deployment["spec"]["selector"]["matchLabels"], labels);
    for (kind, pointer) in [("Service", "/spec/selector"), ("PodDisruptionBudget", "/spec/selector/matchLabels")] {
        let selector = m[kind].pointer(pointer).and_then(Value::as_object).expect("selector");
        for (k, v) in selector {
            assert_eq!(&labels[k], v, "{kind} selects the worker's pods");
        }
    }
    let configmap = str_at(&m["ConfigMap"], "/metadata/name");
    assert_eq!(str_at(deployment, "/spec/template/spec/containers/0/envFrom/0/configMapRef/name"), configmap);
    assert_eq!(str_at(&m["ScaledObject"], "/spec/scaleTargetRef/name"), str_at(deployment, "/metadata/name"));
    let image = str_at(deployment, "/spec/template/spec/containers/0/image");
    assert_eq!(str_at(&m["Kustomization"], "/images/0/name"), image, "kustomize rewrites the worker's image");
    assert_eq!(str_at(deployment, "/spec/template/spec/containers/0/args/0"), "run");
}

#[test]
fn shutdown_fits_in_the_grace_period_and_scaling_is_capped() {
    let m = manifests();
    let (_, config) = configmap_env(&m);
    let grace = m["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"].as_u64().expect("grace period");
    let shutdown = Duration::from_millis(config.worker.shutdown_timeout_ms);
    assert!(Duration::from_secs(grace) > shutdown + Duration::from_secs(5), "grace period {grace} s must exceed the shutdown timeout {shutdown:?} with room to flush");

    let container = &m["Deployment"]["spec"]["template"]["spec"]["containers"][0];
    assert!(container.pointer("/resources/limits/memory").is_some(), "a memory limit");
    assert!(container.pointer("/resources/requests/cpu").is_some(), "a CPU request");
    assert_eq!(m["Deployment"]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"], true);

    let scaled = &m["ScaledObject"]["spec"];
    let trigger = &scaled["triggers"][0];
    assert_eq!(trigger["type"], "kafka");
    assert_eq!(trigger["metadata"]["allowIdleConsumers"], "false", "never more replicas than partitions");
    let max = scaled["maxReplicaCount"].as_u64().expect("maxReplicaCount");
    assert!((1..=8).contains(&max), "replicas capped at the input topic's 8 partitions");
    assert!(m["PodDisruptionBudget"]["spec"].get("maxUnavailable").is_some() || m["PodDisruptionBudget"]["spec"].get("minAvailable").is_some());
}

#[test]
fn the_container_image_matches_the_binary_and_the_setup_script() {
    let dockerfile = std::fs::read_to_string(root().join("deploy/container/Dockerfile")).expect("Dockerfile");
    let port = http_port(&Config::default());
    assert!(dockerfile.contains(&format!("EXPOSE {port}")), "EXPOSE the health/metrics port");
    assert!(dockerfile.contains(&format!("QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN=0.0.0.0:{port}")));
    assert!(dockerfile.contains(&format!("\"--path\", \"{HEALTHZ_PATH}\"")), "HEALTHCHECK probes /healthz");
    assert!(dockerfile.contains(r#"ENTRYPOINT ["/opt/quotewire/bin/quotewire"]"#) && dockerfile.contains(r#"CMD ["run"]"#));
    assert!(dockerfile.contains("USER 10001"), "runs as the non-root user");

    // the model the image copies is the configured default, and exists
    let model = Config::default().ner.model_dir;
    assert!(dockerfile.contains(&format!("COPY {} ", model.display())), "the image ships {}", model.display());
    assert!(root().join(&model).join("model.onnx").exists());

    // the same ONNX Runtime as deploy/setup.sh and training/requirements.txt
    let setup = std::fs::read_to_string(root().join("deploy/setup.sh")).expect("setup.sh");
    let version = |text: &str, prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim_matches(|c: char| c == '"' || c.is_whitespace()).split_whitespace().next().unwrap_or("").trim_matches('"').to_string()));
    let ort_setup = version(&setup, "ORT_VERSION=").expect("ORT_VERSION in setup.sh");
    let ort_image = version(&dockerfile, "ARG ORT_VERSION=").expect("ORT_VERSION in the Dockerfile");
    assert_eq!(ort_setup, ort_image);
    let requirements = std::fs::read_to_string(root().join("training/requirements.txt")).expect("requirements");
    assert!(requirements.contains(&format!("onnxruntime=={ort_setup}")));

    // the Rust toolchain is at least the crate's rust-version
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let rust_version = version(&manifest, "rust-version =").expect("rust-version");
    assert_eq!(version(&dockerfile, "ARG RUST_VERSION=").as_deref(), Some(rust_version.as_str()));
    assert!(Path::new(&root().join(".dockerignore")).exists(), "a .dockerignore keeps target/ out of the build context");
}
