package dashboards

import (
	"fmt"
	"strings"
)

// ManualInstructions tells the user how to import the export by hand when
// no URL is configured. file is where the user can find the export: its
// path in the source tree (Flavor.ExportPath) or a copy written out.
func ManualInstructions(f Flavor, file string) string {
	section, ui, env := "kibana", "Stack Management > Saved objects > Import", "KIBANA_URL"
	if f == OpenSearchDashboards {
		section, ui, env = "dashboards", "Dashboards Management > Saved objects > Import", "DASHBOARDS_URL"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: no %s.url configured, so the saved objects were not imported.\n", f, section)
	fmt.Fprintf(&b, "The data view, saved searches and dashboard are in %s. Import them either:\n", file)
	fmt.Fprintf(&b, "  - in %s: %s, choose the file, keep \"Automatically overwrite conflicts\";\n", f, ui)
	fmt.Fprintf(&b, "  - or with curl:\n")
	fmt.Fprintf(&b, "      curl -X POST \"$%s/api/saved_objects/_import?overwrite=true\" \\\n", env)
	fmt.Fprintf(&b, "        -H \"%s: true\" -u \"$USER_NAME\" --form file=@%s\n", f.xsrfHeader(), file)
	fmt.Fprintf(&b, "  - or set %s.url (ASPAUDIT_%s__URL) and run aspaudit setup again.\n",
		section, strings.ToUpper(section))
	return b.String()
}
