import { awsManagedPolicy, managedPolicyRule, userLabel } from './util.js';

/** AWS managed policies written for a service or node role, and the role each one is for. */
const SERVICE_ROLE_POLICIES: Readonly<Record<string, string>> = {
  AmazonEKSClusterPolicy: 'the EKS cluster IAM role (trusted by eks.amazonaws.com)',
  AmazonEKSServicePolicy: 'the legacy EKS service role',
  AmazonEKSVPCResourceController: 'the EKS cluster role (security groups for pods)',
  AmazonEKSComputePolicy: 'the EKS Auto Mode cluster role',
  AmazonEKSBlockStoragePolicy: 'the EKS Auto Mode cluster role',
  AmazonEKSLoadBalancingPolicy: 'the EKS Auto Mode cluster role',
  AmazonEKSNetworkingPolicy: 'the EKS Auto Mode cluster role',
  AmazonEKSLocalOutpostClusterPolicy: 'the cluster role of EKS local clusters on Outposts',
  AmazonEKSWorkerNodePolicy: 'the node IAM role (trusted by ec2.amazonaws.com)',
  AmazonEKSWorkerNodeMinimalPolicy: 'the node IAM role (trusted by ec2.amazonaws.com)',
  AmazonEKS_CNI_Policy: 'the VPC CNI plugin (node role or its IRSA/Pod Identity role)',
  AmazonEC2ContainerRegistryReadOnly: 'the node IAM role (pulling images)',
  AmazonEC2ContainerRegistryPullOnly: 'the node IAM role (pulling images)',
  AmazonEKSFargatePodExecutionRolePolicy: 'the Fargate pod execution role',
  AmazonEBSCSIDriverPolicy: "the EBS CSI driver's IRSA/Pod Identity role",
  AmazonEFSCSIDriverPolicy: "the EFS CSI driver's IRSA/Pod Identity role",
  AmazonSSMManagedInstanceCore: 'EC2 instance profiles (the SSM agent on nodes)',
};

/**
 * These policies give a person infrastructure write rights (security groups, routes, ENIs, load
 * balancers, volumes) that the cluster or node needed, and no Kubernetes access at all: a common
 * misreading of AmazonEKSClusterPolicy as "lets you manage the cluster". AWS managed policies under
 * the service-role/ and aws-service-role/ paths are, by AWS's own convention, for service roles too.
 */
export const serviceRolePolicyOnHuman = managedPolicyRule(
  {
    id: 'service-role-policy-on-human',
    code: 'IAM018',
    description: 'Disallow AWS managed policies meant for service or node roles (such as AmazonEKSClusterPolicy) on people',
    severity: 'error',
    risk: 'high',
    category: 'iam',
  },
  (p, u) => {
    const managed = awsManagedPolicy(p.arn);
    if (!managed) return undefined;
    const meantFor =
      SERVICE_ROLE_POLICIES[managed.name] ??
      (managed.path.startsWith('/aws-service-role/') ? 'a service-linked role' : managed.path.startsWith('/service-role/') ? 'a service role' : undefined);
    if (meantFor === undefined) return undefined;
    return `${userLabel(u)} has the AWS managed policy ${managed.name} attached, which is meant for ${meantFor}: it gives a person the infrastructure rights that role needs and no Kubernetes access. Detach it; a person needs eks:DescribeCluster (which eks-access generates) and an eks-access grant`;
  },
);
