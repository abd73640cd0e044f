# Two private buckets, encrypted with a customer-managed key, versioned, TLS only:
# the DVC remote (raw data and pipeline outputs, `dvc push`/`dvc pull` as remote "live")
# and the model registry (versions/ and aliases/<env>.json under registry/, see
# src/{{ cookiecutter.package_name }}/registry/store.py).
locals {
  buckets = {
    dvc    = "${var.project}-dvc-live"
    models = "${var.project}-models"
  }
}

resource "aws_kms_key" "storage" {
  description             = "Encrypts the ${var.project} DVC remote and model registry."
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

# The account administers the key; the roles of roles.tf use it through their own policies.
data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_111: a key policy's only resource is its key ("*"); the account root administers it, as in AWS's default key policy
  # checkov:skip=CKV_AWS_356: a key policy's "*" is the key itself, not every resource
  # checkov:skip=CKV_AWS_109: as above: permissions management of this key by the account root only
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_s3_bucket" "store" {
  for_each = local.buckets
  bucket   = each.value
  # checkov:skip=CKV_AWS_18: access logs need a log bucket per account; CloudTrail data events cover reads and writes
  # checkov:skip=CKV_AWS_144: one region holds the data; versioning and the KMS key protect it, replication doubles storage cost
  # checkov:skip=CKV2_AWS_62: nothing consumes object events; the registry is polled by the servers
}

resource "aws_s3_bucket_public_access_block" "store" {
  for_each                = local.buckets
  bucket                  = aws_s3_bucket.store[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "store" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.store[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "store" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.store[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "store" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.store[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.storage.arn
    }
    bucket_key_enabled = true
  }
}

# Old versions of overwritten objects (an alias moves on each promotion) expire.
resource "aws_s3_bucket_lifecycle_configuration" "store" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.store[each.key].id
  rule {
    id     = "expire-noncurrent"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.buckets
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.store[each.key].arn, "${aws_s3_bucket.store[each.key].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.store[each.key].id
  policy   = data.aws_iam_policy_document.tls_only[each.key].json
}
