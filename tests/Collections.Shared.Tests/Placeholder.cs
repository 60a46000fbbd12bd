namespace Collections.Shared.Tests;
