variable "name" {
  description = "The role's name."
  type        = string
}

variable "oidc_provider_arn" {
  description = "The cluster's IRSA identity provider."
  type        = string
}

variable "service_account" {
  description = "The one service account that may take the role, as namespace/name (e.g. kube-system/karpenter)."
  type        = string
}

variable "policy_name" {
  description = "The name of the role's inline policy."
  type        = string
}

variable "policy_json" {
  description = "The role's inline policy document (JSON)."
  type        = string
}

variable "tags" {
  description = "Tags on the role."
  type        = map(string)
  default     = {}
}
