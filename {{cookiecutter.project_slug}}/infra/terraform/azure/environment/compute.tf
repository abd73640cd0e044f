# The cluster of one environment: serving on regular nodes within this environment's
# bounds, training on spot nodes from 0 (none run while no training Job does). AKS
# keeps one small system node for its own pods.
locals {
  name = "${var.project}-${var.environment}"
}

resource "azurerm_resource_group" "environment" {
  name     = local.name
  location = var.location
  tags     = local.tags
}

resource "azurerm_kubernetes_cluster" "main" {
  name                              = local.name
  location                          = azurerm_resource_group.environment.location
  resource_group_name               = azurerm_resource_group.environment.name
  dns_prefix                        = local.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = var.environment == "live" ? "Standard" : "Free"
  private_cluster_enabled           = true
  local_account_disabled            = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  role_based_access_control_enabled = true
  azure_policy_enabled              = true
  automatic_upgrade_channel         = "patch"
  tags                              = local.tags
  # checkov:skip=CKV_AZURE_117: disks are encrypted at rest with platform keys; a disk encryption set needs a Key Vault, add one if your data classification requires it
  # checkov:skip=CKV_AZURE_4: container logs go to the platform's Log Analytics workspace, which this project does not own
  # checkov:skip=CKV_AZURE_115: the cluster is private; the private endpoint is the platform network's
  # checkov:skip=CKV_AZURE_6: the API server is private (no public address to restrict)
  # checkov:skip=CKV_AZURE_170: the paid SLA is for live only; dev, test and uat run on the free tier
  # checkov:skip=CKV_AZURE_226: ephemeral OS disks need VM sizes with a cache that the small system size lacks
  # checkov:skip=CKV_AZURE_227: host encryption must be enabled on the subscription first; the platform decides
  # checkov:skip=CKV_AZURE_172: no secrets are mounted from Key Vault (docs/environments-and-security.md: secrets come from the environment)
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
  }
  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_vm_size
    node_count                   = 1
    only_critical_addons_enabled = true
    max_pods                     = 50
    tags                         = local.tags
  }
  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "azure"
    network_policy = "azure"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "serving" {
  # checkov:skip=CKV_AZURE_227: host encryption must be enabled on the subscription first; the platform decides
  name                  = "serving"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  vm_size               = var.serving_vm_size
  auto_scaling_enabled  = true
  min_count             = var.serving_min_nodes
  max_count             = var.serving_max_nodes
  max_pods              = 50
  node_labels           = { workload = "serving" }
  tags                  = local.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "training" {
  # checkov:skip=CKV_AZURE_227: host encryption must be enabled on the subscription first; the platform decides
  name                  = "training"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  vm_size               = var.training_vm_size
  priority              = "Spot"
  eviction_policy       = "Delete"
  spot_max_price        = -1
  auto_scaling_enabled  = true
  min_count             = 0
  max_count             = var.training_max_nodes
  max_pods              = 50
  node_labels           = { workload = "training" }
  # Only pods that tolerate spot eviction (the training Job) land here; AKS adds its own
  # spot taint too.
  node_taints = ["workload=training:NoSchedule"]
  tags        = local.tags
}

# The pods' identities: the identities ../shared/roles.tf grants, federated with the
# Kubernetes service accounts of infra/k8s/ in this environment's namespace.
data "azurerm_user_assigned_identity" "workload" {
  for_each            = toset(["serving", "training"])
  name                = "${var.project}-${each.key}"
  resource_group_name = "${var.project}-shared"
}

resource "azurerm_federated_identity_credential" "workload" {
  for_each            = data.azurerm_user_assigned_identity.workload
  name                = "${local.name}-${each.key}"
  resource_group_name = "${var.project}-shared"
  parent_id           = each.value.id
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:${local.name}:${each.key == "serving" ? var.project : "${var.project}-training"}"
  audience            = ["api://AzureADTokenExchange"]
}
