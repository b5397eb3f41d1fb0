variable "name" {
  description = "The cluster's name, e.g. zixly-production."
  type        = string
}

variable "environment" {
  description = "staging or production (the IRSA roles read zixly/<environment>/ secrets)."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.34"
}

variable "vpc_id" {
  description = "The VPC of the cluster."
  type        = string
}

variable "private_subnet_ids" {
  description = "Subnets of the nodes (three zones)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts Kubernetes secrets and the control plane logs."
  type        = string
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["m7g.large"]
}

variable "node_min_size" {
  description = "Fewest nodes."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Most nodes."
  type        = number
  default     = 10
}

variable "results_bucket_arn" {
  description = "The results bucket the app role may read and write."
  type        = string
}

variable "backups_bucket_arn" {
  description = "The backups bucket the backup role may write and read."
  type        = string
}

variable "app_secret_arn" {
  description = "The Secrets Manager secret the External Secrets role may read."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
