# Least privilege, one role per kind of user (docs/environments-and-security.md has the
# table). A role's rights are its bindings below and nothing else. Reading is
# roles/storage.objectViewer on a bucket; writing is the custom role object_writer
# (create, and delete to overwrite: an alias is rewritten on each promotion), limited by
# an IAM condition to the objects the role may write. tests/unit/test_roles.py reads
# these bindings and fails when a role holds more than its list, or when any role but
# ci_deployer may write aliases/live.json.
#
# People are Google groups; CI and the pods are service accounts (the pods' through
# Workload Identity, environment/compute.tf).

resource "google_service_account" "workload" {
  for_each     = toset(["ci-deployer", "serving", "training"])
  account_id   = "${substr(var.project, 0, 30 - length(each.key) - 1)}-${each.key}"
  display_name = "${var.project} ${each.key}"
}

resource "google_project_iam_custom_role" "object_writer" {
  role_id     = "${replace(var.project, "-", "_")}_object_writer"
  title       = "${var.project} object writer"
  description = "Create and overwrite objects; which objects is each binding's condition."
  permissions = ["storage.objects.create", "storage.objects.delete"]
}

resource "google_storage_bucket_iam_member" "data_scientist_read_dvc" {
  bucket = google_storage_bucket.store["dvc"].name
  role   = "roles/storage.objectViewer"
  member = "group:${var.data_scientists_group}"
}

resource "google_storage_bucket_iam_member" "data_scientist_read_models" {
  bucket = google_storage_bucket.store["models"].name
  role   = "roles/storage.objectViewer"
  member = "group:${var.data_scientists_group}"
}

resource "google_storage_bucket_iam_member" "data_scientist_write_models_versions" {
  bucket = google_storage_bucket.store["models"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "group:${var.data_scientists_group}"
  condition {
    title      = "registry/versions/"
    expression = "resource.name.startsWith(\"projects/_/buckets/${local.buckets.models}/objects/registry/versions/\")"
  }
}

resource "google_storage_bucket_iam_member" "data_scientist_write_models_dev" {
  bucket = google_storage_bucket.store["models"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "group:${var.data_scientists_group}"
  condition {
    title      = "registry/aliases/dev.json"
    expression = "resource.name == \"projects/_/buckets/${local.buckets.models}/objects/registry/aliases/dev.json\""
  }
}

resource "google_storage_bucket_iam_member" "ml_engineer_read_models" {
  bucket = google_storage_bucket.store["models"].name
  role   = "roles/storage.objectViewer"
  member = "group:${var.ml_engineers_group}"
}

resource "google_storage_bucket_iam_member" "ml_engineer_write_models_test" {
  bucket = google_storage_bucket.store["models"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "group:${var.ml_engineers_group}"
  condition {
    title      = "registry/aliases/test.json"
    expression = "resource.name == \"projects/_/buckets/${local.buckets.models}/objects/registry/aliases/test.json\""
  }
}

resource "google_storage_bucket_iam_member" "ml_engineer_write_models_uat" {
  bucket = google_storage_bucket.store["models"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "group:${var.ml_engineers_group}"
  condition {
    title      = "registry/aliases/uat.json"
    expression = "resource.name == \"projects/_/buckets/${local.buckets.models}/objects/registry/aliases/uat.json\""
  }
}

resource "google_storage_bucket_iam_member" "ci_deployer_read_models" {
  bucket = google_storage_bucket.store["models"].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.workload["ci-deployer"].email}"
}

resource "google_storage_bucket_iam_member" "ci_deployer_write_models_live" {
  bucket = google_storage_bucket.store["models"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "serviceAccount:${google_service_account.workload["ci-deployer"].email}"
  condition {
    title      = "registry/aliases/live.json"
    expression = "resource.name == \"projects/_/buckets/${local.buckets.models}/objects/registry/aliases/live.json\""
  }
}

resource "google_storage_bucket_iam_member" "serving_read_models" {
  bucket = google_storage_bucket.store["models"].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.workload["serving"].email}"
}

resource "google_storage_bucket_iam_member" "training_read_dvc" {
  bucket = google_storage_bucket.store["dvc"].name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.workload["training"].email}"
}

resource "google_storage_bucket_iam_member" "training_write_dvc" {
  bucket = google_storage_bucket.store["dvc"].name
  role   = google_project_iam_custom_role.object_writer.id
  member = "serviceAccount:${google_service_account.workload["training"].email}"
}
