namespace Collections.AgentConsole.Tests;
