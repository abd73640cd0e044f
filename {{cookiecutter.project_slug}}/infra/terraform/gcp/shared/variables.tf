variable "region" {
  description = "Region of the buckets and the key."
  type        = string
}

variable "project" {
  description = "Project name: the project label and the buckets' prefix."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"
}

variable "team" {
  description = "Owning team: the team label."
  type        = string
  default     = "{{ cookiecutter.team }}"
}

variable "cost_centre" {
  description = "Cost centre charged: the cost-centre label."
  type        = string
  default     = "{{ cookiecutter.cost_centre }}"
}

variable "environment" {
  description = "The environment tag of this stack: shared by dev, test, uat and live."
  type        = string
  default     = "shared"
}

variable "data_classification" {
  description = "Sensitivity of the data the buckets hold: the data-classification label."
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

variable "gcp_project" {
  description = "Google Cloud project id that holds the resources."
  type        = string
}

variable "data_scientists_group" {
  description = "Google group of the data scientists (e-mail address)."
  type        = string
}

variable "ml_engineers_group" {
  description = "Google group of the ML engineers (e-mail address)."
  type        = string
}
