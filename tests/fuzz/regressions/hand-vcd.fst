  $date today $end
$timescale 1ns $end
