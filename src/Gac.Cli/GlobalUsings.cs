// The namespaces most files of this project use, imported once for all of them.
global using System.CommandLine;
global using Gac.Cli.Hosting;
global using Gac.Core.Diagnostics;
