variable "region" {
  description = "AWS region of the buckets and roles."
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
