// Command pulumi-tfgen-tls generates the Pulumi package schema and bridge metadata for the
// TLS provider (run as: pulumi-tfgen-tls schema --skip-docs --skip-examples --out DIR).
package main

import (
	"cms-xmpp-resiliency.local/engine/tls/tlsinfo"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"
)

func main() {
	tfgen.Main("tls", tlsinfo.Provider([]byte("{}")))
}
