# An IAM role one Kubernetes service account takes through IRSA (a cluster add-on's controller),
# with its inline policy. The trust is the cluster's OIDC provider, for tokens issued to STS and
# to that service account only.
locals {
  issuer    = replace(var.oidc_provider_arn, "/^.*oidc-provider\\//", "")
  namespace = split("/", var.service_account)[0]
  account   = split("/", var.service_account)[1]
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["system:serviceaccount:${local.namespace}:${local.account}"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = var.policy_name
  role   = aws_iam_role.this.id
  policy = var.policy_json
}
