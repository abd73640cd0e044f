variable "location" {
  description = "Azure region (location) of the storage account."
  type        = string
}

variable "project" {
  description = "Project name: the 'project' tag and the buckets' prefix."
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

variable "environment" {
  description = "The environment tag of this stack: shared by dev, test, uat and live."
  type        = string
  default     = "shared"
}

variable "data_classification" {
  description = "Sensitivity of the data the buckets hold: the 'data-classification' tag."
  type        = string
  validation {
    condition     = contains(["public", "internal", "confidential", "restricted"], var.data_classification)
    error_message = "Expected public, internal, confidential or restricted."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted object version is kept before it expires."
  type        = number
}

variable "subscription_id" {
  description = "Azure subscription id: set ARM_SUBSCRIPTION_ID or TF_VAR_subscription_id (not in git)."
  type        = string
}

variable "data_scientists_group" {
  description = "Object id of the data scientists' Entra ID group: set TF_VAR_data_scientists_group."
  type        = string
}

variable "ml_engineers_group" {
  description = "Object id of the ML engineers' Entra ID group: set TF_VAR_ml_engineers_group."
  type        = string
}
