/** This release of eks-access (SARIF output, --version). */
export const VERSION = '0.1.0';
