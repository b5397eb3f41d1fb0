variable "region" {
  description = "AWS region of the production environment."
  type        = string
  default     = "eu-west-1"
}

variable "availability_zones" {
  description = "Three zones of the region."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "domain_name" {
  description = "The public host (the overlay's Ingress host)."
  type        = string
  default     = "zixly.example.com"
}

variable "dns_zone_id" {
  description = "The Route 53 hosted zone of domain_name (no default: give it with -var or a .tfvars file)."
  type        = string
}

variable "dr_region" {
  description = "The disaster-recovery region: replicas of the results and backups and of RDS's automated backups."
  type        = string
  default     = "eu-central-1"
}
