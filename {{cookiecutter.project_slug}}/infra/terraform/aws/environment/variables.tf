variable "region" {
  description = "AWS region of the cluster."
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
  description = "EKS Kubernetes version (tools/check_deploy.py validates the manifests against 1.30)."
  type        = string
}

variable "subnet_tag" {
  description = "The private subnets the cluster uses are those of the account's network with tier = this value."
  type        = string
}

variable "serving_instance_type" {
  description = "On-demand instance type of the serving node group."
  type        = string
}

variable "serving_min_nodes" {
  description = "Serving nodes always running (0 in dev and test: they scale to zero)."
  type        = number
}

variable "serving_max_nodes" {
  description = "Upper bound of the serving node group."
  type        = number
}

variable "training_instance_type" {
  description = "Spot instance type of the training node group (the training Job's nodes)."
  type        = string
}

variable "training_max_nodes" {
  description = "Upper bound of the training node group; its lower bound is 0."
  type        = number
}

variable "monthly_budget" {
  description = "Monthly budget in USD; alerts at 80 % forecast and 100 % actual."
  type        = number
}

variable "budget_emails" {
  description = "Who receives the budget alerts."
  type        = list(string)
}
