return Gac.Cli.CliApp.Run(args, Console.Out, Console.Error);
