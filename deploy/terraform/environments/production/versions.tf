terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Project = "zixly", Environment = "production", ManagedBy = "terraform" }
  }
}

# The disaster-recovery region (modules/dr): replicas of the buckets and of RDS's backups.
provider "aws" {
  alias  = "dr"
  region = var.dr_region
  default_tags {
    tags = { Project = "zixly", Environment = "production", ManagedBy = "terraform" }
  }
}
