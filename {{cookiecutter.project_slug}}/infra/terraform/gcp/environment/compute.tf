# The cluster of one environment: serving on standard nodes within this environment's
# bounds, training on spot nodes from 0 (none run while no training Job does).
locals {
  name = "${var.project}-${var.environment}"
}

data "google_project" "current" {}

# The nodes' own identity: logs and metrics only; the pods get theirs through Workload
# Identity (below), never from the node.
resource "google_service_account" "node" {
  account_id   = "${substr(local.name, 0, 25)}-node"
  display_name = "${local.name} nodes"
}

resource "google_project_iam_member" "node" {
  for_each = toset(["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/artifactregistry.reader"])
  project  = var.gcp_project
  role     = each.value
  member   = "serviceAccount:${google_service_account.node.email}"
}

resource "google_container_cluster" "main" {
  name       = local.name
  location   = var.region
  network    = var.network
  subnetwork = var.subnetwork
  # Node pools are managed below; the default one is removed at creation.
  remove_default_node_pool    = true
  initial_node_count          = 1
  min_master_version          = var.kubernetes_version
  resource_labels             = local.labels
  enable_shielded_nodes       = true
  enable_intranode_visibility = true
  deletion_protection         = var.environment == "live"
  # checkov:skip=CKV_GCP_69: the metadata server is GKE_METADATA on every node pool (workload_metadata_config)
  # checkov:skip=CKV_GCP_65: people reach the cluster through IAM (roles.tf's groups); Google Groups for RBAC needs a Workspace domain the project does not know
  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }
  workload_identity_config {
    workload_pool = "${var.gcp_project}.svc.id.goog"
  }
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
  ip_allocation_policy {}
  master_authorized_networks_config {}
  network_policy {
    enabled = true
  }
  release_channel {
    channel = "STABLE"
  }
  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }
}

resource "google_container_node_pool" "serving" {
  name     = "serving"
  cluster  = google_container_cluster.main.id
  location = var.region
  autoscaling {
    total_min_node_count = var.serving_min_nodes
    total_max_node_count = var.serving_max_nodes
  }
  management {
    auto_repair  = true
    auto_upgrade = true
  }
  node_config {
    machine_type    = var.serving_machine_type
    service_account = google_service_account.node.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = local.labels
    labels          = { workload = "serving" }
    image_type      = "COS_CONTAINERD"
    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

resource "google_container_node_pool" "training" {
  name     = "training"
  cluster  = google_container_cluster.main.id
  location = var.region
  autoscaling {
    total_min_node_count = 0
    total_max_node_count = var.training_max_nodes
  }
  management {
    auto_repair  = true
    auto_upgrade = true
  }
  node_config {
    machine_type    = var.training_machine_type
    spot            = true
    service_account = google_service_account.node.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = local.labels
    labels          = { workload = "training" }
    image_type      = "COS_CONTAINERD"
    # Only pods that tolerate spot preemption (the training Job) land here.
    taint {
      key    = "workload"
      value  = "training"
      effect = "NO_SCHEDULE"
    }
    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

# The pods' identities: the service accounts ../shared/roles.tf grants, bound to the
# Kubernetes service accounts of infra/k8s/ in this environment's namespace.
resource "google_service_account_iam_member" "workload_identity" {
  for_each           = { serving = var.project, training = "${var.project}-training" }
  service_account_id = "projects/${var.gcp_project}/serviceAccounts/${substr(var.project, 0, 30 - length(each.key) - 1)}-${each.key}@${var.gcp_project}.iam.gserviceaccount.com"
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.gcp_project}.svc.id.goog[${local.name}/${each.value}]"
}
