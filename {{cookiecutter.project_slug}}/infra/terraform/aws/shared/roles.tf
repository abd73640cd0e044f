# Least privilege, one role per kind of user (docs/environments-and-security.md has the
# table). A role's rights are its policy document below and nothing else: no managed
# policy is attached. tests/unit/test_roles.py reads these documents and fails when a
# role holds more than its list, or when any role but ci_deployer may write aliases/live.json.
#
# People (data scientists, ML engineers) and CI assume their role from this account
# (through SSO permission sets or the CI's OIDC provider); the pods get theirs through
# EKS Pod Identity (environment/compute.tf associates them).

data "aws_iam_policy_document" "people_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "pods_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}


# data_scientist: Reads the raw data (the DVC remote) and the registry; publishes versions and moves the dev alias only.
resource "aws_iam_role" "data_scientist" {
  name               = "${var.project}-data-scientist"
  assume_role_policy = data.aws_iam_policy_document.people_trust.json
}

data "aws_iam_policy_document" "data_scientist" {
  statement {
    sid       = "ReadData"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.store["dvc"].arn}/*"]
  }
  statement {
    sid       = "ListData"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["dvc"].arn]
  }
  statement {
    sid       = "ReadRegistry"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/*"]
  }
  statement {
    sid       = "ListRegistry"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["models"].arn]
  }
  statement {
    sid       = "PublishVersions"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/versions/*"]
  }
  statement {
    sid       = "PromoteDev"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/aliases/dev.json"]
  }
  statement {
    sid       = "UseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.storage.arn]
  }
}

resource "aws_iam_role_policy" "data_scientist" {
  name   = "least-privilege"
  role   = aws_iam_role.data_scientist.id
  policy = data.aws_iam_policy_document.data_scientist.json
}

# ml_engineer: Reads the registry; moves the test and uat aliases.
resource "aws_iam_role" "ml_engineer" {
  name               = "${var.project}-ml-engineer"
  assume_role_policy = data.aws_iam_policy_document.people_trust.json
}

data "aws_iam_policy_document" "ml_engineer" {
  statement {
    sid       = "ReadRegistry"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/*"]
  }
  statement {
    sid       = "ListRegistry"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["models"].arn]
  }
  statement {
    sid       = "PromoteTestUat"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/aliases/test.json", "${aws_s3_bucket.store["models"].arn}/registry/aliases/uat.json"]
  }
  statement {
    sid       = "UseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.storage.arn]
  }
}

resource "aws_iam_role_policy" "ml_engineer" {
  name   = "least-privilege"
  role   = aws_iam_role.ml_engineer.id
  policy = data.aws_iam_policy_document.ml_engineer.json
}

# ci_deployer: CI: reads the registry; the only role that moves the live alias.
resource "aws_iam_role" "ci_deployer" {
  name               = "${var.project}-ci-deployer"
  assume_role_policy = data.aws_iam_policy_document.people_trust.json
}

data "aws_iam_policy_document" "ci_deployer" {
  statement {
    sid       = "ReadRegistry"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/*"]
  }
  statement {
    sid       = "ListRegistry"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["models"].arn]
  }
  statement {
    sid       = "PromoteLive"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/aliases/live.json"]
  }
  statement {
    sid       = "UseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.storage.arn]
  }
}

resource "aws_iam_role_policy" "ci_deployer" {
  name   = "least-privilege"
  role   = aws_iam_role.ci_deployer.id
  policy = data.aws_iam_policy_document.ci_deployer.json
}

# serving: The server's pods: read the registry, nothing else.
resource "aws_iam_role" "serving" {
  name               = "${var.project}-serving"
  assume_role_policy = data.aws_iam_policy_document.pods_trust.json
}

data "aws_iam_policy_document" "serving" {
  statement {
    sid       = "ReadRegistry"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.store["models"].arn}/registry/*"]
  }
  statement {
    sid       = "ListRegistry"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["models"].arn]
  }
  statement {
    sid       = "UseKey"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.storage.arn]
  }
}

resource "aws_iam_role_policy" "serving" {
  name   = "least-privilege"
  role   = aws_iam_role.serving.id
  policy = data.aws_iam_policy_document.serving.json
}

# training: The training Job's pods: pull and push the DVC remote (`dvc repro`).
resource "aws_iam_role" "training" {
  name               = "${var.project}-training"
  assume_role_policy = data.aws_iam_policy_document.pods_trust.json
}

data "aws_iam_policy_document" "training" {
  statement {
    sid       = "ReadWriteData"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.store["dvc"].arn}/*"]
  }
  statement {
    sid       = "ListData"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store["dvc"].arn]
  }
  statement {
    sid       = "UseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.storage.arn]
  }
}

resource "aws_iam_role_policy" "training" {
  name   = "least-privilege"
  role   = aws_iam_role.training.id
  policy = data.aws_iam_policy_document.training.json
}
