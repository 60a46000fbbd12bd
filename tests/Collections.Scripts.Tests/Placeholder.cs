namespace Collections.Scripts.Tests;
