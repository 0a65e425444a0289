using System.Globalization;
using System.Xml.Linq;

namespace Gac.Core.Reports;

/// <summary>
/// JUnit XML for CI test panels: one testsuite "gac.gate", one testcase per goal; a missed or
/// unmeasured goal is a &lt;failure&gt; whose message is the gate's reason.
/// </summary>
public static class JUnitReport
{
    public const string FileName = "gac.junit.xml";

    public static XDocument Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = report.Gate.Goals.Count(g => g.Status != "passed");
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", "gac.gate"),
            new XAttribute("tests", report.Gate.Goals.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("timestamp", report.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XElement(
                "properties",
                Property("verdict", report.Gate.Verdict),
                Property("provider", report.Runtime.ProviderUsed),
                Property("toolVersion", report.ToolVersion)));
        foreach (var goal in report.Gate.Goals)
        {
            var testcase = new XElement("testcase", new XAttribute("classname", "gac.gate"), new XAttribute("name", goal.Name));
            if (goal.Status != "passed")
            {
                testcase.Add(new XElement(
                    "failure",
                    new XAttribute("message", $"{goal.Name}: {goal.Reason}"),
                    new XAttribute("type", goal.Status),
                    $"target {goal.Target}; measured {goal.Measured}; {goal.Reason}"));
            }

            suite.Add(testcase);
        }

        var root = new XElement("testsuites", new XAttribute("tests", report.Gate.Goals.Count), new XAttribute("failures", failures), suite);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement Property(string name, string value)
        => new("property", new XAttribute("name", name), new XAttribute("value", value));
}
