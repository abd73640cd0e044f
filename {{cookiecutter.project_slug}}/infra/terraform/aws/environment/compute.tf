# The cluster of one environment: serving on on-demand nodes within this environment's
# bounds, training on spot nodes from 0 (none run while no training Job does). The
# network is the account's: the private subnets tagged tier = var.subnet_tag.
locals {
  name = "${var.project}-${var.environment}"
}

data "aws_subnets" "private" {
  filter {
    name   = "tag:tier"
    values = [var.subnet_tag]
  }
}

data "aws_iam_policy_document" "eks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "node_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${local.name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.eks_trust.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "node" {
  name               = "${local.name}-node"
  assume_role_policy = data.aws_iam_policy_document.node_trust.json
}

# What a node needs to join the cluster and pull images; the pods' own rights come from
# the roles of ../shared/roles.tf through Pod Identity, never from the node.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  ])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

resource "aws_kms_key" "secrets" {
  description         = "Encrypts the Kubernetes secrets of ${local.name}."
  enable_key_rotation = true
  # checkov:skip=CKV2_AWS_64: the default key policy (the account administers the key) is the one wanted
}

resource "aws_eks_cluster" "main" {
  name                      = local.name
  role_arn                  = aws_iam_role.cluster.arn
  version                   = var.kubernetes_version
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  vpc_config {
    subnet_ids              = data.aws_subnets.private.ids
    endpoint_private_access = true
    endpoint_public_access  = false
  }
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.secrets.arn
    }
  }
  access_config {
    authentication_mode = "API"
  }
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

resource "aws_eks_addon" "pod_identity" {
  cluster_name = aws_eks_cluster.main.name
  addon_name   = "eks-pod-identity-agent"
}

# The instances an Auto Scaling group launches do not get the provider's default tags:
# the launch templates pass the same map to the instances and their volumes.
resource "aws_launch_template" "node" {
  for_each = toset(["serving", "training"])
  name     = "${local.name}-${each.key}"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
  tag_specifications {
    resource_type = "instance"
    tags          = local.tags
  }
  tag_specifications {
    resource_type = "volume"
    tags          = local.tags
  }
}

resource "aws_eks_node_group" "serving" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "serving"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = data.aws_subnets.private.ids
  capacity_type   = "ON_DEMAND"
  instance_types  = [var.serving_instance_type]
  labels          = { workload = "serving" }
  launch_template {
    id      = aws_launch_template.node["serving"].id
    version = aws_launch_template.node["serving"].latest_version
  }
  scaling_config {
    min_size     = var.serving_min_nodes
    desired_size = var.serving_min_nodes
    max_size     = var.serving_max_nodes
  }
  lifecycle {
    # The cluster autoscaler moves the desired size between the bounds.
    ignore_changes = [scaling_config[0].desired_size]
  }
  depends_on = [aws_iam_role_policy_attachment.node]
}

resource "aws_eks_node_group" "training" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "training"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = data.aws_subnets.private.ids
  capacity_type   = "SPOT"
  instance_types  = [var.training_instance_type]
  labels          = { workload = "training" }
  # Only pods that tolerate spot interruptions (the training Job) land here.
  taint {
    key    = "workload"
    value  = "training"
    effect = "NO_SCHEDULE"
  }
  launch_template {
    id      = aws_launch_template.node["training"].id
    version = aws_launch_template.node["training"].latest_version
  }
  scaling_config {
    min_size     = 0
    desired_size = 0
    max_size     = var.training_max_nodes
  }
  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }
  depends_on = [aws_iam_role_policy_attachment.node]
}

# The pods' identities: the roles ../shared/roles.tf defines, bound to the service
# accounts of infra/k8s/ in this environment's namespace.
data "aws_iam_role" "workload" {
  for_each = toset(["serving", "training"])
  name     = "${var.project}-${each.key}"
}

resource "aws_eks_pod_identity_association" "workload" {
  for_each        = data.aws_iam_role.workload
  cluster_name    = aws_eks_cluster.main.name
  namespace       = local.name
  service_account = each.key == "serving" ? var.project : "${var.project}-training"
  role_arn        = each.value.arn
}
