namespace Collections.Shared;
