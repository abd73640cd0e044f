variable "location" {
  description = "Azure region (location) of the cluster."
  type        = string
}

variable "environment" {
  description = "dev, test, uat or live: the 'environment' tag and the names' suffix."
  type        = string
  validation {
    condition     = contains(["dev", "test", "uat", "live"], var.environment)
    error_message = "Expected dev, test, uat or live."
  }
}

variable "project" {
  description = "Project name: the 'project' tag and the names' prefix."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"
}

variable "team" {
  description = "Owning team: the 'team' tag."
  type        = string
  default     = "{{ cookiecutter.team }}"
}

variable "cost_centre" {
  description = "Cost centre charged: the 'cost-centre' tag."
  type        = string
  default     = "{{ cookiecutter.cost_centre }}"
}

variable "data_classification" {
  description = "Sensitivity of the data this environment handles: the 'data-classification' tag."
  type        = string
  validation {
    condition     = contains(["public", "internal", "confidential", "restricted"], var.data_classification)
    error_message = "Expected public, internal, confidential or restricted."
  }
}

variable "kubernetes_version" {
  description = "AKS Kubernetes version (tools/check_deploy.py validates the manifests against 1.30)."
  type        = string
}

variable "subscription_id" {
  description = "Azure subscription id: set ARM_SUBSCRIPTION_ID or TF_VAR_subscription_id (not in git)."
  type        = string
}

variable "system_vm_size" {
  description = "VM size of the system node pool (AKS keeps at least one system node)."
  type        = string
}

variable "serving_vm_size" {
  description = "VM size of the serving node pool."
  type        = string
}

variable "serving_min_nodes" {
  description = "Serving nodes always running (0 in dev and test: they scale to zero)."
  type        = number
}

variable "serving_max_nodes" {
  description = "Upper bound of the serving node pool."
  type        = number
}

variable "training_vm_size" {
  description = "Spot VM size of the training node pool (the training Job's nodes)."
  type        = string
}

variable "training_max_nodes" {
  description = "Upper bound of the training node pool; its lower bound is 0."
  type        = number
}

variable "monthly_budget" {
  description = "Monthly budget in USD; alerts at 80 % forecast and 100 % actual."
  type        = number
}

variable "budget_emails" {
  description = "Who receives the budget alerts (e-mail addresses)."
  type        = list(string)
}
