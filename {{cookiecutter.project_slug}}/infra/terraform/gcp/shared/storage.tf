# Two private buckets, encrypted with a customer-managed key, versioned: the DVC remote
# (raw data and pipeline outputs, remote "live") and the model registry (versions/ and
# aliases/<env>.json under registry/, see src/{{ cookiecutter.package_name }}/registry/store.py).
locals {
  buckets = {
    dvc    = "${var.project}-dvc-live"
    models = "${var.project}-models"
  }
}

resource "google_kms_key_ring" "storage" {
  name     = "${var.project}-storage"
  location = var.region
}

resource "google_kms_crypto_key" "storage" {
  name            = "${var.project}-storage"
  key_ring        = google_kms_key_ring.storage.id
  rotation_period = "7776000s"
  lifecycle {
    prevent_destroy = true
  }
}

data "google_storage_project_service_account" "gcs" {}

# Cloud Storage encrypts with the key on the users' behalf: only its agent uses the key.
resource "google_kms_crypto_key_iam_member" "gcs" {
  crypto_key_id = google_kms_crypto_key.storage.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_bucket" "store" {
  for_each = local.buckets
  name     = each.value
  location = var.region
  # Object-level IAM conditions (roles.tf) need uniform bucket-level access.
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # checkov:skip=CKV_GCP_62: access logs need a log bucket per project; Data Access audit logs cover reads and writes
  versioning {
    enabled = true
  }
  encryption {
    default_kms_key_name = google_kms_crypto_key.storage.id
  }
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_days
    }
    action {
      type = "Delete"
    }
  }
  depends_on = [google_kms_crypto_key_iam_member.gcs]
}
