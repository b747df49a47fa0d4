System.Console.WriteLine(typeof(Uffd.Generators.FaultRegionGenerator).Name);
