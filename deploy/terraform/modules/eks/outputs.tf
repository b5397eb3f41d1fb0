output "cluster_name" {
  description = "The cluster (aws eks update-kubeconfig --name <this>)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "The Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "oidc_provider_arn" {
  description = "The IRSA identity provider."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "irsa_role_arns" {
  description = "Role ARN by purpose (app, backup, external-secrets): the overlays' eks.amazonaws.com/role-arn annotations."
  value       = { for key, role in aws_iam_role.irsa : key => role.arn }
}

output "node_role_arn" {
  description = "The nodes' role (the managed node group's; Karpenter launches its nodes with it too)."
  value       = aws_iam_role.node.arn
}

output "node_role_name" {
  description = "The nodes' role name: the EC2NodeClass's spec.role."
  value       = aws_iam_role.node.name
}

output "cluster_security_group_id" {
  description = "The security group EKS made for the cluster (the nodes' group)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}
