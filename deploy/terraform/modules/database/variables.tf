variable "name" {
  description = "Identifier prefix, e.g. zixly-production."
  type        = string
}

variable "vpc_id" {
  description = "The VPC the database lives in."
  type        = string
}

variable "subnet_ids" {
  description = "The VPC's isolated database subnets (three zones)."
  type        = list(string)
}

variable "allowed_cidr_blocks" {
  description = "Who may connect on 5432 (the VPC's range: the EKS nodes)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the managed master password."
  type        = string
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial storage; it grows by itself up to max_allocated_storage_gb."
  type        = number
  default     = 50
}

variable "max_allocated_storage_gb" {
  description = "Ceiling of storage autoscaling."
  type        = number
  default     = 500
}

variable "multi_az" {
  description = "A standby in another zone with automatic failover (production)."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14
}

variable "deletion_protection" {
  description = "Refuse to delete the instance."
  type        = bool
  default     = true
}

variable "engine_version" {
  description = "PostgreSQL major version."
  type        = string
  default     = "16"
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
