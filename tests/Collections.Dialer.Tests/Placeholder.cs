namespace Collections.Dialer.Tests;
