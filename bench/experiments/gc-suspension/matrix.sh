#!/bin/bash
dotnet build -c Release -v q "$(dirname "$0")/UffdGc.csproj" >/dev/null
cd "$(dirname "$0")"
R="timeout -s KILL 60 python3 runner.py"
for i in 1 2 3; do DOTNET_gcServer=0 $R a 30 "wks run$i"; done
for i in 1 2 3; do DOTNET_gcServer=1 $R a 30 "svr run$i"; done
DOTNET_TieredCompilation=0 DOTNET_gcServer=0 $R a 30 "wks TC=0"
ALLOCONLY=1 DOTNET_gcServer=0 $R a 30 "wks ALLOCONLY"
NOGC=1 $R a 20 "control NOGC"
for v in b c d; do
  for i in 1 2 3; do DOTNET_gcServer=0 $R $v 30 "wks run$i"; done
  DOTNET_gcServer=1 $R $v 20 "svr run1"
done
DOTNET_TieredCompilation=0 DOTNET_gcServer=0 $R b 20 "wks TC=0"
for v in b c d; do NOGC=1 $R $v 10 "control NOGC"; done
