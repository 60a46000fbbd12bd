namespace Collections.Scripts;
