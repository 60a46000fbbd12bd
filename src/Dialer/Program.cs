using Collections.Dialer.Cli;
using Collections.Dialer.Simulation;

// The ops CLI. Each verb lives in its feature folder; this list is the table of contents.
return await CliApp.RunAsync(args,
[
    SimulateCommand.Create(),
]);
