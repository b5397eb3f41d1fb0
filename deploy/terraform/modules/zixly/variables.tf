variable "environment" {
  description = "staging or production: names (zixly-<environment>), secrets (zixly/<environment>/app), tags."
  type        = string
}

variable "availability_zones" {
  description = "Three zones of the region."
  type        = list(string)
}

variable "cidr_block" {
  description = "The VPC's address range (the Kubernetes overlay's database NetworkPolicy names it)."
  type        = string
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone."
  type        = bool
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "database_multi_az" {
  description = "A standby database in another zone."
  type        = bool
}

variable "database_backup_retention_days" {
  description = "Days of point-in-time recovery."
  type        = number
}

variable "node_min_size" {
  description = "Fewest EKS nodes."
  type        = number
}

variable "node_max_size" {
  description = "Most EKS nodes."
  type        = number
}

variable "domain_name" {
  description = "The public host of the dashboard, API and webhooks (the overlay's Ingress host)."
  type        = string
}

variable "dns_zone_id" {
  description = "The Route 53 hosted zone of domain_name (the certificate's DNS validation)."
  type        = string
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}
