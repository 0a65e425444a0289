return await Gac.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);
