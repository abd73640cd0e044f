variable "region" {
  description = "Region of the cluster."
  type        = string
}

variable "environment" {
  description = "dev, test, uat or live: the 'environment' label and the names' suffix."
  type        = string
  validation {
    condition     = contains(["dev", "test", "uat", "live"], var.environment)
    error_message = "Expected dev, test, uat or live."
  }
}

variable "project" {
  description = "Project name: the 'project' label and the names' prefix."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"
}

variable "team" {
  description = "Owning team: the 'team' label."
  type        = string
  default     = "{{ cookiecutter.team }}"
}

variable "cost_centre" {
  description = "Cost centre charged: the 'cost-centre' label."
  type        = string
  default     = "{{ cookiecutter.cost_centre }}"
}

variable "data_classification" {
  description = "Sensitivity of the data this environment handles: the 'data-classification' label."
  type        = string
  validation {
    condition     = contains(["public", "internal", "confidential", "restricted"], var.data_classification)
    error_message = "Expected public, internal, confidential or restricted."
  }
}

variable "kubernetes_version" {
  description = "GKE Kubernetes version (minor) (tools/check_deploy.py validates the manifests against 1.30)."
  type        = string
}

variable "gcp_project" {
  description = "Google Cloud project id that holds the resources."
  type        = string
}

variable "billing_account" {
  description = "Billing account id the budget watches: set TF_VAR_billing_account (not in git)."
  type        = string
}

variable "network" {
  description = "The VPC network the cluster joins (the project's)."
  type        = string
}

variable "subnetwork" {
  description = "The subnetwork of the cluster's nodes."
  type        = string
}

variable "serving_machine_type" {
  description = "Machine type of the serving node pool."
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

variable "training_machine_type" {
  description = "Spot machine type of the training node pool (the training Job's nodes)."
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

variable "budget_channels" {
  description = "Monitoring notification channel ids that receive the budget alerts."
  type        = list(string)
}
