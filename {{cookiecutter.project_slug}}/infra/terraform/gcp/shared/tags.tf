# The mandatory cost labels, once: cost centre, project, team (owner), environment,
# managed-by and data classification. Google label values are lower-case.
# tools/check_tags.py reads this map.
locals {
  labels = {
    "cost-centre"         = lower(var.cost_centre)
    project               = var.project
    team                  = var.team
    environment           = var.environment
    "managed-by"          = "terraform"
    "data-classification" = var.data_classification
  }
}
