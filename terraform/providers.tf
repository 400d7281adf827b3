provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project   = "acme-telemetry"
      Stack     = var.prefix
      ManagedBy = "terraform"
    })
  }
}
