# Drawn by dtr experiment; edit and rerun `gnuplot loss.gp` to restyle.
set terminal pngcairo size 900,540 enhanced font ",11"
set output 'loss.png'
set datafile separator ','
set key outside right top noenhanced
set grid
set xlabel 'training step'
set ylabel 'training ε-MSE (unweighted, smoothed)'
plot 'loss.csv' index 0 every ::1 using 1:2 with linespoints lc 1 lw 2 title 'beta=0.5', \
     'loss.csv' index 1 every ::1 using 1:2 with linespoints lc 2 lw 2 title 'beta=1.0'
